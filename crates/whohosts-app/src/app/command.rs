//! Everything a panel can ask the app to do. Panels return these instead of touching each
//! other's state; `WhohostsApp::apply` (command_handling.rs) carries them out in one place.

use std::path::PathBuf;

use crate::file_dialog::Pick;
use crate::flow_table::model::{SortColumn, SortOrder};
use crate::settings::GraphLayout;
use crate::view_command::ViewCommand;

#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum AppCommand {
    /// Show the native open dialog (on its own thread), for files or a folder.
    ShowOpenDialog(Pick),
    /// Show the in-window file browser (always available), for files or a folder.
    ShowFileBrowser(Pick),
    Open(PathBuf),
    /// Read several files (or folders) as one capture.
    OpenMany(Vec<PathBuf>),
    /// Close the capture and go back to the start screen.
    Close,
    CancelReading,
    Quit,
    /// From the graph, timeline, table or legend.
    View(ViewCommand),
    /// Scroll the flow table to this flow (selected in another view).
    RevealFlow(usize),
    /// Esc: clear the selection and the graph's chips, then the time range.
    ClearSelectionOrRange,
    SetFilterText(String),
    FocusFilter,
    SetDark(bool),
    SetGraphLayout(GraphLayout),
    SetSort(SortOrder),
    /// The flow table's column order.
    SetColumns(Vec<SortColumn>),
    /// Remember the table's column widths (the user dragged a column's edge).
    SetColumnWidths(Vec<(SortColumn, f32)>),
    ShowAbout(bool),
    ShowShortcuts(bool),
    DismissError,
    ForgetRecentFiles,
    /// Open the export window for the open capture.
    ShowExport,
    HideExport,
    /// Live capture: picker, start, pause/resume/stop, save.
    Live(LiveAction),
}

/// What the live bar, the picker and the prompt ask the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveAction {
    ShowPicker,
    Start {
        interface: String,
        filter: Option<String>,
    },
    Pause,
    Resume,
    Stop,
    /// Save everything captured so far as pcapng at this path.
    Save(PathBuf),
    /// Ask for the path with the native save dialog, then save.
    ChooseSavePath,
    /// Close the "save?" prompt without saving.
    DismissPrompt,
}
