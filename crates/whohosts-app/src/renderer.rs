//! Which of eframe's renderers draws the window. OpenGL (glow) unless asked otherwise: on
//! machines without a GPU, Mesa's OpenGL rasteriser draws a whohosts frame in about a third
//! of the time its Vulkan one (the wgpu path) takes, and every frame drawn while a capture
//! loads takes cores from the reading. `WHOHOSTS_RENDERER=wgpu` picks wgpu, for a system
//! whose OpenGL does not work. (winit cannot start a second event loop, so a failed renderer
//! cannot be retried with the other in the same process.)

/// The environment variable that picks a renderer: `glow` or `wgpu`.
pub const RENDERER_VARIABLE: &str = "WHOHOSTS_RENDERER";

/// The renderer asked for, else glow.
pub fn chosen() -> eframe::Renderer {
    renderer_for(std::env::var(RENDERER_VARIABLE).ok().as_deref())
}

/// What to tell a user whose window did not open with `renderer`.
pub fn other_renderer_hint(renderer: eframe::Renderer) -> String {
    let other = match renderer {
        eframe::Renderer::Glow => "wgpu",
        eframe::Renderer::Wgpu => "glow",
    };
    format!("renderer {renderer}; {RENDERER_VARIABLE}={other} tries {other}")
}

fn renderer_for(asked: Option<&str>) -> eframe::Renderer {
    match asked.map(|a| a.trim().to_ascii_lowercase()).as_deref() {
        Some("wgpu") => eframe::Renderer::Wgpu,
        _ => eframe::Renderer::Glow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opengl_unless_wgpu_is_asked_for() {
        assert_eq!(renderer_for(None), eframe::Renderer::Glow);
        assert_eq!(renderer_for(Some(" WGPU")), eframe::Renderer::Wgpu);
        assert_eq!(renderer_for(Some("glow")), eframe::Renderer::Glow);
        assert_eq!(renderer_for(Some("vulkan")), eframe::Renderer::Glow);
        assert!(other_renderer_hint(eframe::Renderer::Glow).contains("WHOHOSTS_RENDERER=wgpu"));
    }
}
