//! Turns libpcap's wording for live-capture failures into errors that say what to do.

use super::CaptureError;

/// An error from opening or activating a live capture on `interface`.
pub(super) fn classify_open_error(interface: &str, message: &str) -> CaptureError {
    let interface = interface.to_string();
    let reason = message.to_string();
    let lower = message.to_ascii_lowercase();
    if lower.contains("operation not permitted")
        || lower.contains("permission")
        || lower.contains("eperm")
        || lower.contains("access denied")
    {
        CaptureError::NoPermission { interface, reason, binary: binary_path() }
    } else if lower.contains("no such device") || lower.contains("doesn't exist") {
        CaptureError::NoSuchInterface { interface, reason }
    } else if lower.contains("not up") {
        CaptureError::InterfaceDown { interface, reason }
    } else {
        CaptureError::LiveOpen { interface, reason }
    }
}

/// An error while reading, after `frames` frames.
pub(super) fn classify_read_error(interface: &str, frames: u64, message: &str) -> CaptureError {
    let interface = interface.to_string();
    let reason = message.to_string();
    let lower = message.to_ascii_lowercase();
    if lower.contains("went down")
        || lower.contains("disappeared")
        || lower.contains("no such device")
        || lower.contains("network is down")
    {
        CaptureError::InterfaceGone { interface, frames, reason }
    } else {
        CaptureError::LiveRead { interface, frames, reason }
    }
}

/// The path to give `setcap`: this executable when it can be found.
fn binary_path() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.to_str().map(str::to_string))
        .unwrap_or_else(|| "$(which whohosts)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_problems_say_what_to_do() {
        for message in [
            "socket: Operation not permitted",
            "eth0: You don't have permission to perform this capture on that device (socket: Operation not permitted)",
        ] {
            let e = classify_open_error("eth0", message);
            assert!(matches!(e, CaptureError::NoPermission { .. }), "{message}");
            let text = e.to_string();
            assert!(text.contains("eth0") && text.contains("setcap cap_net_raw,cap_net_admin=eip"), "{text}");
            assert!(text.contains("root"), "{text}");
        }
    }

    #[test]
    fn missing_interfaces_are_named() {
        let e = classify_open_error("nope0", "nope0: SIOCETHTOOL(ETHTOOL_GET_TS_INFO) ioctl failed: No such device");
        assert!(matches!(e, CaptureError::NoSuchInterface { .. }));
        assert!(e.to_string().contains("nope0") && e.to_string().contains("whohosts interfaces"));
        let e = classify_open_error("nope0", "No such device exists (That device doesn't exist)");
        assert!(matches!(e, CaptureError::NoSuchInterface { .. }));
    }

    #[test]
    fn a_vanished_interface_keeps_what_was_captured() {
        let e = classify_read_error("veth0", 42, "The interface disappeared");
        assert!(matches!(e, CaptureError::InterfaceGone { frames: 42, .. }));
        assert!(e.keeps_partial_results());
        let e = classify_read_error("veth0", 1, "The interface went down");
        assert!(matches!(e, CaptureError::InterfaceGone { .. }));
        let e = classify_read_error("veth0", 1, "something odd");
        assert!(matches!(e, CaptureError::LiveRead { .. }) && e.keeps_partial_results());
    }
}
