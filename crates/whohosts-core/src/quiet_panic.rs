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

    /// Run again as a child with this variable set, the test only panics inside
    /// `catch_quietly`; the parent reads what the child printed.
    const CHILD: &str = "WHOHOSTS_QUIET_PANIC_CHILD";

    #[test]
    fn a_caught_panic_prints_nothing() {
        if std::env::var_os(CHILD).is_some() {
            let _ = catch_quietly(|| panic!("in /root/.cargo/registry/src/some-crate/src/lib.rs"));
            return;
        }
        // The panic hook writes to the real stderr only outside the harness's capture.
        let name = "quiet_panic::tests::a_caught_panic_prints_nothing";
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"), "the child ran the test");
        assert!(!stderr.contains("panicked") && !stderr.contains(".cargo/registry"), "{stderr}");
    }
}
