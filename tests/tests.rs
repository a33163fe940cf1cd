//! Integration tests over the committed samples (see samples/README.md).

mod cli;
mod hostile;
mod samples;
