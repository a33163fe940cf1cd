//! Before the window opens: is there a display to open it on, and the graphics libraries kept
//! quiet on sessions without a runtime directory. Only the window needs this; `report` and
//! `export` never open one.

/// The one-line hint every "no window" error ends with.
const HEADLESS_HINT: &str = "use `whohosts report FILE` or `whohosts export FILE` without one";

/// Refuses, with one line, to open a window when there is no display to open it on
/// (neither DISPLAY nor WAYLAND_DISPLAY set). Elsewhere than X11/Wayland systems, always fine.
pub fn check() -> Result<(), String> {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return Ok(());
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") || set("WAYLAND_DISPLAY") {
        return Ok(());
    }
    Err(format!("no display to open the window on (DISPLAY and WAYLAND_DISPLAY unset); {HEADLESS_HINT}"))
}

/// Without a usable XDG_RUNTIME_DIR no Wayland compositor can be reached, yet Mesa's Vulkan
/// device-select layer tries and prints "error: XDG_RUNTIME_DIR is invalid or not set" (under
/// Xvfb, over ssh, as root). The layer only chooses between GPUs: turn it off then. Call before
/// any thread starts.
pub fn quiet_graphics() {
    let runtime_dir_usable = std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|dir| !dir.is_empty())
        .is_some_and(|dir| std::path::Path::new(&dir).is_dir());
    if !runtime_dir_usable && std::env::var_os("NODEVICE_SELECT").is_none() {
        std::env::set_var("NODEVICE_SELECT", "1");
    }
}

/// A window that could not be opened, said in one line: winit's errors carry the path of its
/// own source file, which tells the user nothing.
pub fn explain(error: String) -> String {
    if !error.contains("EventLoopError") {
        return error;
    }
    let display = ["WAYLAND_DISPLAY", "DISPLAY"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()).map(|v| format!("{name}={v}")))
        .unwrap_or_else(|| "no display set".to_string());
    // "... os error at /path/to/winit/src/....rs:765: the reason" -> "the reason".
    let reason = error
        .rsplit_once(".rs:")
        .map_or(error.as_str(), |(_, rest)| rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':').trim());
    format!("could not open the window ({display}): {reason}; {HEADLESS_HINT}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_drops_the_dependency_source_path() {
        let winit = "could not open the window: winit EventLoopError: os error at \
                     /root/.cargo/registry/src/x/winit-0.30.13/src/platform_impl/linux/mod.rs:765: \
                     failed to open display";
        let line = explain(winit.to_string());
        assert!(!line.contains(".cargo"), "{line}");
        assert!(line.contains("failed to open display") && line.contains("whohosts report FILE"), "{line}");
    }

    #[test]
    fn other_errors_pass_through() {
        assert_eq!(explain("not a capture".to_string()), "not a capture");
    }
}
