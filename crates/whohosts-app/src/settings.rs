//! What the app remembers between runs (eframe persistence). Only plain data lives here;
//! everything transient (the open capture, selection, caches) stays in the app's runtime state.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::flow_table::model::{SortColumn, SortOrder};

/// The key under which eframe stores the settings.
pub const STORAGE_KEY: &str = "whohosts-settings";
/// Recent files kept in the File menu.
const MAX_RECENT: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum GraphLayout {
    #[default]
    Layered,
    Force,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub dark: bool,
    pub recent_files: Vec<PathBuf>,
    pub graph_layout: GraphLayout,
    pub table_sort: SortOrder,
    /// The flow table's columns in the order the user put them (empty: the default order).
    pub table_columns: Vec<SortColumn>,
    /// Widths in points of the table's columns the user resized.
    pub table_widths: Vec<(SortColumn, f32)>,
    /// Panel sizes the user dragged to, in points (`None`: fitted to the window).
    pub panels: PanelSizes,
}

/// Sizes of the resizable panels, remembered between runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PanelSizes {
    pub table_height: Option<f32>,
    pub timeline_height: Option<f32>,
    pub inspector_width: Option<f32>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            dark: true,
            recent_files: Vec::new(),
            graph_layout: GraphLayout::default(),
            table_sort: SortOrder::default(),
            table_columns: Vec::new(),
            table_widths: Vec::new(),
            panels: PanelSizes::default(),
        }
    }
}

impl Settings {
    /// Puts `path` first in the recent files, once.
    pub fn remember_file(&mut self, path: &Path) {
        self.recent_files.retain(|p| p != path);
        self.recent_files.insert(0, path.to_path_buf());
        self.recent_files.truncate(MAX_RECENT);
    }

    pub fn load(storage: Option<&dyn eframe::Storage>) -> Settings {
        storage.and_then(|s| eframe::get_value(s, STORAGE_KEY)).unwrap_or_default()
    }

    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_unique_newest_first_and_bounded() {
        let mut s = Settings::default();
        for i in 0..15 {
            s.remember_file(Path::new(&format!("/c/{i}.pcap")));
        }
        s.remember_file(Path::new("/c/10.pcap"));
        assert_eq!(s.recent_files.len(), MAX_RECENT);
        assert_eq!(s.recent_files[0], Path::new("/c/10.pcap"));
        assert_eq!(s.recent_files.iter().filter(|p| p.ends_with("10.pcap")).count(), 1);
    }

    #[test]
    fn settings_survive_a_round_trip_and_old_files_fill_defaults() {
        let mut s = Settings { dark: false, graph_layout: GraphLayout::Force, ..Settings::default() };
        s.remember_file(Path::new("/a.pcap"));
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Settings>(&json).unwrap(), s);
        let partial: Settings = serde_json::from_str(r#"{"dark": false}"#).unwrap();
        assert_eq!(partial.recent_files, Vec::<PathBuf>::new());
    }
}
