//! The timeline of a Zeek log reading, added to on a thread of its own: the counting thread
//! is the pace of the reading, and spreading each connection over its duration was a quarter
//! of its work. The timeline is lent back to the analysis whenever the analysis is looked at
//! (a progress report) and returned at the end, with every connection sent before spread.

use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Arc;
use std::thread::{Scope, ScopedJoinHandle};

use crate::timeline::{Spread, Timeline};

/// Batches of spreads sent ahead of the timeline thread, at most.
const AHEAD: usize = 4;

enum Job {
    Spreads(Vec<Spread>),
    /// Send the timeline over and wait for it to come back.
    Lend,
    Return(Arc<Timeline>),
}

pub(crate) struct TimelineThread<'scope> {
    jobs: SyncSender<Job>,
    timeline: Receiver<Arc<Timeline>>,
    /// Emptied batches, to fill again.
    spare: Receiver<Vec<Spread>>,
    handle: ScopedJoinHandle<'scope, ()>,
}

impl<'scope> TimelineThread<'scope> {
    /// Moves `timeline` to a new thread; gives it back if no thread could be started.
    pub fn start(scope: &'scope Scope<'scope, '_>, timeline: Arc<Timeline>) -> Result<Self, Arc<Timeline>> {
        let (jobs, job_rx) = sync_channel::<Job>(AHEAD);
        let (timeline_tx, timeline_rx) = sync_channel::<Arc<Timeline>>(1);
        let (spare_tx, spare) = channel::<Vec<Spread>>();
        // Handed to the thread once it runs; kept here if it never does.
        let (start_tx, start_rx) = sync_channel::<Arc<Timeline>>(1);
        let spawned =
            std::thread::Builder::new().name("whohosts-zeek-timeline".into()).spawn_scoped(scope, move || {
                if let Ok(timeline) = start_rx.recv() {
                    spread_all(timeline, &job_rx, &timeline_tx, &spare_tx);
                }
            });
        match spawned {
            Ok(handle) => {
                let _ = start_tx.send(timeline);
                Ok(TimelineThread { jobs, timeline: timeline_rx, spare, handle })
            }
            Err(_) => Err(timeline),
        }
    }

    /// An empty batch to fill (one used before, when there is one).
    pub fn batch(&self) -> Vec<Spread> {
        self.spare.try_recv().unwrap_or_default()
    }

    pub fn add(&self, spreads: Vec<Spread>) {
        let _ = self.jobs.send(Job::Spreads(spreads));
    }

    /// The timeline with every batch sent so far spread; give it back with
    /// [`TimelineThread::give_back`]. `None` if the thread is gone.
    pub fn lend(&self) -> Option<Arc<Timeline>> {
        self.jobs.send(Job::Lend).ok()?;
        self.timeline.recv().ok()
    }

    pub fn give_back(&self, timeline: Arc<Timeline>) {
        let _ = self.jobs.send(Job::Return(timeline));
    }

    /// The timeline with every batch spread, the thread done.
    pub fn finish(self) -> Option<Arc<Timeline>> {
        drop(self.jobs);
        let timeline = self.timeline.recv().ok();
        // Joined, not left to the scope, which waits for the closure but not for the
        // thread's own exit (see the reader threads in `zeek_reading`).
        let _ = self.handle.join();
        timeline
    }
}

fn spread_all(
    mut timeline: Arc<Timeline>,
    jobs: &Receiver<Job>,
    timeline_tx: &SyncSender<Arc<Timeline>>,
    spare: &Sender<Vec<Spread>>,
) {
    while let Ok(job) = jobs.recv() {
        match job {
            Job::Spreads(mut spreads) => {
                Arc::make_mut(&mut timeline).add_spreads(&spreads);
                spreads.clear();
                let _ = spare.send(spreads);
            }
            Job::Lend => {
                if timeline_tx.send(timeline).is_err() {
                    return;
                }
                match jobs.recv() {
                    Ok(Job::Return(lent)) => timeline = lent,
                    _ => return,
                }
            }
            Job::Return(lent) => timeline = lent,
        }
    }
    let _ = timeline_tx.send(timeline);
}
