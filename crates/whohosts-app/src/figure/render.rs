//! Off-screen rendering of egui content to an image: runs egui with a fixed screen, paints
//! with egui-wgpu on a headless adapter (a GPU when there is one, Mesa's CPU rasterisers
//! otherwise) and reads the pixels back. Needs no window, display or surface.

use std::time::Duration;

use egui_wgpu::wgpu;
use image::RgbaImage;

/// Passes run before the one that is painted: the first lays out and loads fonts, the
/// second sees sizes measured by the first.
const SETTLE_PASSES: usize = 2;
/// wgpu wants texture-to-buffer copies in rows of a multiple of this many bytes.
const ROW_ALIGNMENT: u32 = wgpu::COPY_BYTES_PER_ROW_ALIGNMENT;
/// Longest wait for the adapter to finish drawing.
const GPU_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest image side accepted: more than any print figure needs, well under adapter limits.
pub const MAX_SIDE_PX: u32 = 8192;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("image size {width}x{height} px is out of range (1..={max} px per side)")]
    BadSize { width: u32, height: u32, max: u32 },
    #[error("pixels per point {0} is out of range (0.25..=8)")]
    BadScale(f32),
    #[error("no graphics adapter for off-screen rendering (not even a software one): {0}")]
    NoAdapter(String),
    #[error("the graphics adapter refused a device: {0}")]
    NoDevice(String),
    #[error("rendering failed: {0}")]
    Gpu(String),
}

/// Renders `draw` into an image of exactly `width_px` x `height_px` pixels, with
/// `pixels_per_point` pixels per egui point (2 for a "2x" figure) and light or dark visuals.
/// `draw` is called once per pass with a `Ui` covering the whole image.
pub fn render_offscreen(
    width_px: u32,
    height_px: u32,
    pixels_per_point: f32,
    dark: bool,
    mut draw: impl FnMut(&mut egui::Ui),
) -> Result<RgbaImage, RenderError> {
    if !(1..=MAX_SIDE_PX).contains(&width_px) || !(1..=MAX_SIDE_PX).contains(&height_px) {
        return Err(RenderError::BadSize { width: width_px, height: height_px, max: MAX_SIDE_PX });
    }
    if !(0.25..=8.0).contains(&pixels_per_point) {
        return Err(RenderError::BadScale(pixels_per_point));
    }
    let mut gpu = Gpu::new()?;
    // Beyond the adapter's limits wgpu would fail validation: refuse with the numbers instead.
    let limits = gpu.device.limits();
    let max_side = limits.max_texture_dimension_2d.min(MAX_SIDE_PX);
    let readback_bytes = u64::from(padded_row_bytes(width_px)) * u64::from(height_px);
    if width_px > max_side || height_px > max_side || readback_bytes > limits.max_buffer_size {
        return Err(RenderError::BadSize { width: width_px, height: height_px, max: max_side });
    }
    let ctx = egui::Context::default();
    ctx.set_visuals(if dark { egui::Visuals::dark() } else { egui::Visuals::light() });
    ctx.options_mut(|o| o.max_passes = std::num::NonZeroUsize::MIN);
    let input = || raw_input(width_px, height_px, pixels_per_point, max_side);
    for _ in 0..SETTLE_PASSES {
        // Texture deltas are cumulative per context: keep them for the painted pass.
        let output = ctx.run_ui(input(), &mut draw);
        gpu.pending.append(output.textures_delta);
    }
    let output = ctx.run_ui(input(), &mut draw);
    gpu.pending.append(output.textures_delta);
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    let background = if dark { egui::Visuals::dark() } else { egui::Visuals::light() }.panel_fill;
    gpu.paint(&primitives, width_px, height_px, output.pixels_per_point, background)
}

/// Bytes of one image row in the readback buffer: wgpu copies rows of a multiple of 256.
fn padded_row_bytes(width_px: u32) -> u32 {
    width_px.saturating_mul(4).div_ceil(ROW_ALIGNMENT).saturating_mul(ROW_ALIGNMENT)
}

fn raw_input(width_px: u32, height_px: u32, pixels_per_point: f32, max_texture_side: u32) -> egui::RawInput {
    let size = egui::vec2(width_px as f32, height_px as f32) / pixels_per_point;
    let mut input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size)),
        max_texture_side: Some(max_texture_side as usize),
        time: Some(0.0),
        ..egui::RawInput::default()
    };
    input.viewports.entry(egui::ViewportId::ROOT).or_default().native_pixels_per_point = Some(pixels_per_point);
    input
}

/// A headless device with an egui renderer and the texture updates it still has to apply.
struct Gpu {
    device: wgpu::Device,
    queue: wgpu::Queue,
    renderer: egui_wgpu::Renderer,
    /// Texture updates from every pass so far, applied before painting.
    pending: egui::TexturesDelta,
}

/// Format egui paints in: gamma-space RGBA, which is also what a PNG holds.
const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;

impl Gpu {
    fn new() -> Result<Gpu, RenderError> {
        let adapter = Self::adapter()?;
        let descriptor = wgpu::DeviceDescriptor {
            label: Some("whohosts off-screen"),
            required_limits: wgpu::Limits::downlevel_defaults().using_resolution(adapter.limits()),
            ..wgpu::DeviceDescriptor::default()
        };
        let (device, queue) = pollster::block_on(adapter.request_device(&descriptor))
            .map_err(|e| RenderError::NoDevice(e.to_string()))?;
        let options = egui_wgpu::RendererOptions { dithering: false, ..egui_wgpu::RendererOptions::default() };
        let renderer = egui_wgpu::Renderer::new(&device, FORMAT, options);
        Ok(Gpu { device, queue, renderer, pending: egui::TexturesDelta::default() })
    }

    /// Vulkan, Metal or DX12 first (lavapipe on a machine without GPU); OpenGL only when
    /// none of those has an adapter, since EGL probes for a display. `WGPU_BACKEND` overrides.
    fn adapter() -> Result<wgpu::Adapter, RenderError> {
        let native = wgpu::Backends::PRIMARY.difference(wgpu::Backends::BROWSER_WEBGPU);
        let chosen = wgpu::Backends::from_env().filter(|b| !b.is_empty());
        let attempts = match chosen {
            Some(backends) => vec![backends],
            None => vec![native, wgpu::Backends::GL],
        };
        let mut problems = Vec::new();
        for backends in attempts {
            let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
            descriptor.backends = backends;
            let instance = wgpu::Instance::new(descriptor);
            let options = wgpu::RequestAdapterOptions::default();
            let fallback = wgpu::RequestAdapterOptions { force_fallback_adapter: true, ..options.clone() };
            for options in [options, fallback] {
                match pollster::block_on(instance.request_adapter(&options)) {
                    Ok(adapter) => return Ok(adapter),
                    Err(e) => problems.push(format!("{backends:?}: {e}")),
                }
            }
        }
        Err(RenderError::NoAdapter(problems.join("; ")))
    }

    fn paint(
        &mut self,
        primitives: &[egui::ClippedPrimitive],
        width: u32,
        height: u32,
        pixels_per_point: f32,
        background: egui::Color32,
    ) -> Result<RgbaImage, RenderError> {
        // Validation problems come back as errors, not as wgpu's default panic.
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let renderer = &mut self.renderer;
        let mut delta = std::mem::take(&mut self.pending);
        for (id, images) in delta.set.drain() {
            for image in &images {
                renderer.update_texture(&self.device, &self.queue, id, image);
            }
        }
        let screen = egui_wgpu::ScreenDescriptor { size_in_pixels: [width, height], pixels_per_point };
        let size = wgpu::Extent3d { width, height, depth_or_array_layers: 1 };
        let target = self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("figure"),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let view = target.create_view(&wgpu::TextureViewDescriptor::default());
        let mut encoder = self.device.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("figure") });
        let callbacks = renderer.update_buffers(&self.device, &self.queue, &mut encoder, primitives, &screen);
        {
            let [r, g, b, a] = background.to_normalized_gamma_f32();
            let clear = wgpu::Color { r: f64::from(r), g: f64::from(g), b: f64::from(b), a: f64::from(a) };
            let mut pass = encoder
                .begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("figure"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: &view,
                        resolve_target: None,
                        ops: wgpu::Operations { load: wgpu::LoadOp::Clear(clear), store: wgpu::StoreOp::Store },
                        depth_slice: None,
                    })],
                    ..wgpu::RenderPassDescriptor::default()
                })
                .forget_lifetime();
            renderer.render(&mut pass, primitives, &screen);
        }
        let padded_row = padded_row_bytes(width);
        let readback = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("figure readback"),
            size: u64::from(padded_row) * u64::from(height),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        });
        encoder.copy_texture_to_buffer(
            target.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(padded_row),
                    rows_per_image: Some(height),
                },
            },
            size,
        );
        let commands = encoder.finish();
        if let Some(error) = pollster::block_on(scope.pop()) {
            return Err(RenderError::Gpu(error.to_string()));
        }
        self.queue.submit(callbacks.into_iter().chain(std::iter::once(commands)));
        for id in delta.free.drain() {
            renderer.free_texture(&id);
        }
        self.read_back(&readback, width, height, padded_row)
    }

    /// Maps the copied texture and drops each row's alignment padding.
    fn read_back(
        &self,
        buffer: &wgpu::Buffer,
        width: u32,
        height: u32,
        padded_row: u32,
    ) -> Result<RgbaImage, RenderError> {
        let slice = buffer.slice(..);
        let (sender, receiver) = std::sync::mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |result| {
            let _ = sender.send(result);
        });
        self.device
            .poll(wgpu::PollType::Wait { submission_index: None, timeout: Some(GPU_TIMEOUT) })
            .map_err(|e| RenderError::Gpu(e.to_string()))?;
        receiver
            .recv_timeout(GPU_TIMEOUT)
            .map_err(|e| RenderError::Gpu(format!("no readback: {e}")))?
            .map_err(|e| RenderError::Gpu(e.to_string()))?;
        let row_bytes = width as usize * 4;
        let mut pixels = Vec::with_capacity(row_bytes * height as usize);
        {
            let mapped = slice.get_mapped_range().map_err(|e| RenderError::Gpu(e.to_string()))?;
            for row in mapped.chunks(padded_row as usize).take(height as usize) {
                pixels.extend_from_slice(row.get(..row_bytes).unwrap_or(row));
            }
        }
        buffer.unmap();
        RgbaImage::from_raw(width, height, pixels)
            .ok_or_else(|| RenderError::Gpu("read back fewer pixels than the image holds".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_scales_out_of_range_are_refused_before_any_gpu_work() {
        assert!(matches!(render_offscreen(0, 10, 1.0, false, |_| {}), Err(RenderError::BadSize { .. })));
        assert!(matches!(render_offscreen(10, 9000, 1.0, false, |_| {}), Err(RenderError::BadSize { .. })));
        assert!(matches!(render_offscreen(10, 10, 0.0, false, |_| {}), Err(RenderError::BadScale(_))));
    }

    #[test]
    fn renders_exact_size_with_the_painted_colours_and_an_odd_width() {
        // 301 px: rows need padding to 256-byte multiples on the way back.
        let image = render_offscreen(301, 100, 1.0, false, |ui| {
            ui.painter().rect_filled(
                egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(100.0, 100.0)),
                0.0,
                egui::Color32::RED,
            );
            ui.label("hello");
        })
        .unwrap();
        assert_eq!(image.dimensions(), (301, 100));
        assert_eq!(image.get_pixel(50, 50).0, [255, 0, 0, 255]);
        let light_bg = egui::Visuals::light().panel_fill.to_array();
        assert_eq!(image.get_pixel(300, 99).0, light_bg);
    }

    #[test]
    fn scale_multiplies_the_pixels_of_a_point() {
        let image = render_offscreen(200, 100, 2.0, true, |ui| {
            ui.painter().rect_filled(
                egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(10.0, 10.0)),
                0.0,
                egui::Color32::GREEN,
            );
        })
        .unwrap();
        assert_eq!(image.get_pixel(18, 18).0, [0, 255, 0, 255]);
        assert_ne!(image.get_pixel(22, 22).0, [0, 255, 0, 255]);
        assert_eq!(image.get_pixel(150, 80).0, egui::Visuals::dark().panel_fill.to_array());
    }
}
