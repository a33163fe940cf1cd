//! Builds graph models on a worker thread for big snapshots, so that a new snapshot every
//! few hundred milliseconds of a live capture never stalls a frame (a 100,000-flow model
//! takes about 100 ms). The view keeps drawing its last scene until the new model is in.

use std::collections::BTreeSet;
use std::sync::mpsc::{channel, Receiver, TryRecvError};

use super::model::{self, GraphModel};
use whohosts_core::filter::ViewFilter;
use whohosts_core::snapshot::Snapshot;

/// Snapshots with more flows than this get their model built on the worker; smaller ones at
/// once (a millisecond or two).
const BACKGROUND_ABOVE_FLOWS: usize = 5_000;

/// A model being built, with the inputs it is built for.
#[derive(Debug)]
pub(super) struct PendingModel<K> {
    key: K,
    result: Receiver<GraphModel>,
}

/// The model for `key`, or the newest one finished, each with the key it was built for;
/// `None` while the first job for these inputs runs. One job at a time: a job for older
/// inputs is let finish and its model shown, then the next starts for the newest inputs.
#[allow(clippy::too_many_arguments)]
pub(super) fn model_for<K: Clone + PartialEq + Send + 'static>(
    pending: &mut Option<PendingModel<K>>,
    background: bool,
    ctx: &egui::Context,
    key: &K,
    snapshot: &Snapshot,
    filter: &ViewFilter,
    expanded: &BTreeSet<String>,
    capacity: [usize; 3],
) -> Option<(K, GraphModel)> {
    if !background || snapshot.flows.len() <= BACKGROUND_ABOVE_FLOWS {
        *pending = None;
        return Some((key.clone(), model::build(snapshot, filter, expanded, capacity)));
    }
    if let Some(job) = pending {
        match job.result.try_recv() {
            Ok(model) => {
                let done = job.key.clone();
                *pending = None;
                return Some((done, model));
            }
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => *pending = None,
        }
    }
    let (tx, result) = channel();
    let job = (snapshot.clone(), filter.clone(), expanded.clone(), ctx.clone());
    let spawned = std::thread::Builder::new().name("whohosts-graph-model".into()).spawn(move || {
        let (snapshot, filter, expanded, wake) = job;
        if tx.send(model::build(&snapshot, &filter, &expanded, capacity)).is_ok() {
            crate::loading::wake_for_result(&wake);
        }
    });
    match spawned {
        Ok(_) => {
            *pending = Some(PendingModel { key: key.clone(), result });
            None
        }
        // No thread to be had: build it here rather than show nothing.
        Err(_) => Some((key.clone(), model::build(snapshot, filter, expanded, capacity))),
    }
}
