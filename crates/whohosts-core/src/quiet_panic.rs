//! A last net under third-party parsers fed hostile bytes: a panic inside becomes an error
//! value, and its message (which names the dependency's source file on this machine) is not
//! printed. Panics anywhere else still reach the usual hook.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs inside [`catch_quietly`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

static INSTALL: Once = Once::new();

/// Runs `f`; a panic in it comes back as `None`, silently.
pub(crate) fn catch_quietly<R>(f: impl FnOnce() -> R) -> Option<R> {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = CATCHING.with(|c| c.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f)).ok();
    CATCHING.with(|c| c.set(outer));
    result
}

#[cfg(test)]
mod tests {
    use super::catch_quietly;

    #[test]
    fn a_panic_becomes_none_and_values_pass_through() {
        assert_eq!(catch_quietly(|| 7), Some(7));
        let caught: Option<()> = catch_quietly(|| panic!("in /root/.cargo/registry/src/some-crate/src/lib.rs"));
        assert_eq!(caught, None);
        // Nested use restores the outer state.
        assert_eq!(catch_quietly(|| catch_quietly(|| 1).map(|v| v + 1)), Some(Some(2)));
    }
}
