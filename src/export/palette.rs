//! Owner colours and byte units for the figure: exactly the app's, so an exported figure
//! matches what the user saw.

pub use crate::ui::theme::{human_bytes, owner_color};
