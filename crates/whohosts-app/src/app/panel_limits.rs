//! How big each resizable panel (table, timeline, inspector) may be in a window of a given
//! size: pure arithmetic, so that from 800×600 to 4K the graph keeps its minimum height.

/// The graph keeps at least this height (points), however small the window.
pub const GRAPH_MIN_HEIGHT: f32 = 160.0;

/// How big each resizable panel may be in an area of a given size, so that from 800×600 to
/// 4K the graph keeps its minimum height and no panel squeezes another to nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanelLimits {
    area: egui::Vec2,
    pub table: egui::Rangef,
    pub inspector: egui::Rangef,
}

impl PanelLimits {
    const TABLE_MIN: f32 = 110.0;
    const TIMELINE_MIN: f32 = 90.0;

    pub fn for_area(area: egui::Vec2) -> PanelLimits {
        let table_max = (area.y - GRAPH_MIN_HEIGHT - Self::TIMELINE_MIN).max(Self::TABLE_MIN);
        let inspector_max = (area.x * 0.5).max(220.0);
        PanelLimits {
            area,
            table: egui::Rangef::new(Self::TABLE_MIN, table_max),
            inspector: egui::Rangef::new(220.0_f32.min(inspector_max), inspector_max),
        }
    }

    /// The table's first height: the remembered one, else a third of the area.
    pub fn fit_table(&self, remembered: Option<f32>) -> f32 {
        remembered.unwrap_or(self.area.y * 0.34).clamp(self.table.min, self.table.max)
    }

    /// The timeline's first height: the remembered one, else a fifth of the area.
    pub fn fit_timeline(&self, remembered: Option<f32>) -> f32 {
        remembered.unwrap_or((self.area.y * 0.2).clamp(Self::TIMELINE_MIN, 320.0))
    }

    /// The timeline's range in the height the table left.
    pub fn timeline_below(&self, left: f32) -> egui::Rangef {
        let max = (left - GRAPH_MIN_HEIGHT).max(Self::TIMELINE_MIN);
        egui::Rangef::new(Self::TIMELINE_MIN.min(max), max)
    }

    /// The inspector's first width: the remembered one, else 30% of the area.
    pub fn fit_inspector(&self, remembered: Option<f32>) -> f32 {
        remembered.unwrap_or((self.area.x * 0.3).clamp(260.0, 420.0)).clamp(self.inspector.min, self.inspector.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_windows_keep_the_graph_and_big_ones_share_out_the_height() {
        for (w, h) in [(800.0, 560.0), (1280.0, 760.0), (2560.0, 1400.0)] {
            let limits = PanelLimits::for_area(egui::vec2(w, h));
            let table = limits.fit_table(None);
            let timeline = limits
                .fit_timeline(None)
                .clamp(limits.timeline_below(h - table).min, limits.timeline_below(h - table).max);
            assert!(h - table - timeline >= GRAPH_MIN_HEIGHT, "{w}x{h}: graph gets {}", h - table - timeline);
            assert!(table >= 110.0 && timeline >= 90.0);
            assert!(limits.fit_inspector(None) <= w * 0.5);
        }
        // A remembered height from a bigger screen is cut down to what fits.
        let limits = PanelLimits::for_area(egui::vec2(800.0, 560.0));
        assert!(limits.fit_table(Some(900.0)) <= 560.0 - GRAPH_MIN_HEIGHT - 90.0);
    }
}
