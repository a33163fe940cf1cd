//! What a live capture reads from, as a seam: libpcap on an interface in the product, a
//! scripted source in tests that cannot capture (no root in CI). The live ingest loop and
//! the session only see this trait, and take the opener as an input.

use std::sync::Arc;

use super::{CaptureError, FrameSource, LiveOptions, LiveSource, LiveStats};

/// A frame source that is capturing now: it can pause, resume and count.
pub trait LiveFrames: FrameSource + Send {
    fn interface(&self) -> &str;
    /// pcap LINKTYPE_* of the frames.
    fn link_type(&self) -> i32;
    /// Stops handing out frames until `resume`; what arrives meanwhile is not analysed.
    fn pause(&mut self) -> Result<(), CaptureError>;
    fn resume(&mut self) -> Result<(), CaptureError>;
    fn stats(&mut self) -> LiveStats;
}

/// Opens the capture described by the options (on the capturing thread).
pub type LiveOpener = Arc<dyn Fn(&LiveOptions) -> Result<Box<dyn LiveFrames>, CaptureError> + Send + Sync>;

/// The product's opener: libpcap on the named interface.
pub fn libpcap_opener() -> LiveOpener {
    Arc::new(|options: &LiveOptions| Ok(Box::new(LiveSource::open(options)?) as Box<dyn LiveFrames>))
}

impl LiveFrames for LiveSource {
    fn interface(&self) -> &str {
        LiveSource::interface(self)
    }

    fn link_type(&self) -> i32 {
        LiveSource::link_type(self)
    }

    fn pause(&mut self) -> Result<(), CaptureError> {
        LiveSource::pause(self)
    }

    fn resume(&mut self) -> Result<(), CaptureError> {
        LiveSource::resume(self)
    }

    fn stats(&mut self) -> LiveStats {
        LiveSource::stats(self)
    }
}
