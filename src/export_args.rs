//! `whohosts export`'s options, with the checks clap runs while parsing them (ranges, preset
//! names, colours), so that a bad value is a usage error before anything is read.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use whohosts_app::figure::{View, PRESETS};
use whohosts_app::palette::Rgb;

use crate::analysis_args::AnalysisArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Theme {
    /// Black on white, for print.
    #[default]
    Light,
    Dark,
}

/// Which view the figure shows (the app's [`View`], as a command-line value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FigureView {
    Graph,
    Timeline,
    /// The graph above the timeline.
    #[default]
    Figure,
}

impl From<FigureView> for View {
    fn from(view: FigureView) -> View {
        match view {
            FigureView::Graph => View::Graph,
            FigureView::Timeline => View::Timeline,
            FigureView::Figure => View::Figure,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to read: pcap/pcapng files or folders of them (one capture in time order), or
    /// Zeek logs (files or a log archive tree). Told apart by content.
    #[arg(value_name = "FILE_OR_DIR", required = true)]
    pub files: Vec<PathBuf>,
    /// Write a figure as PNG.
    #[arg(long, value_name = "OUT.png")]
    pub png: Option<PathBuf>,
    /// Write the same figure as SVG (text stays text; the font is named).
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Write the same figure as PDF (text stays text; the font is embedded).
    #[arg(long, value_name = "OUT.pdf")]
    pub pdf: Option<PathBuf>,
    /// Write what the figure draws (nodes, ribbons, labels with boxes, legend with colours and
    /// numbers, crossing and overlap counts) as JSON.
    #[arg(long, value_name = "OUT.json")]
    pub layout_json: Option<PathBuf>,
    /// A size preset: web (1200x675), print-column (600x450), print-page (1000x1300), slide (1600x900).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["width", "height"], value_parser = preset_names())]
    pub preset: Option<String>,
    /// A second heading line under the title.
    #[arg(long, value_name = "TEXT")]
    pub subtitle: Option<String>,
    /// Text size relative to the default, 0.5 to 3.
    #[arg(long, default_value_t = 1.0, value_parser = parse_font_scale)]
    pub font_scale: f32,
    /// How many owners get a colour of their own (default: from the data, at most 9); the
    /// rest fold into "Other ASes".
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=16))]
    pub colours: Option<u16>,
    /// Fold this owner into "Other ASes" whatever its size; repeatable.
    #[arg(long, value_name = "OWNER")]
    pub fold: Vec<String>,
    /// Give an owner a colour of your choosing: OWNER=#RRGGBB; repeatable.
    #[arg(long, value_name = "OWNER=#RRGGBB", value_parser = parse_colour_choice)]
    pub colour: Vec<(String, Rgb)>,
    /// What the figure shows.
    #[arg(long, value_enum, default_value_t = FigureView::Figure)]
    pub view: FigureView,
    /// Figure width in points.
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(200..=4000))]
    pub width: u32,
    /// Figure height in points.
    #[arg(long, default_value_t = 800, value_parser = clap::value_parser!(u32).range(150..=4000))]
    pub height: u32,
    /// Pixels per point, 0.5 to 4: the PNG has width*scale x height*scale pixels.
    #[arg(long, default_value_t = 2.0, value_parser = parse_scale)]
    pub scale: f32,
    #[arg(long, value_enum, default_value_t = Theme::Light)]
    pub theme: Theme,
    /// Start of the time range: seconds since the epoch, RFC 3339 (UTC), or +OFFSET from the capture start (+30s).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub from: Option<String>,
    /// End of the time range (exclusive), same forms as --from.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub to: Option<String>,
    /// Leave out an owner (provider) by name; repeatable.
    #[arg(long, value_name = "OWNER")]
    pub hide: Vec<String>,
    /// The figure's title (default: names the capture).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Words of your own for the first line of the figure's caption.
    #[arg(long, value_name = "TEXT")]
    pub caption: Option<String>,
    /// Write flows.csv, endpoints.csv and providers.csv into this directory.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Write the same tables as flows.parquet, endpoints.parquet and providers.parquet into
    /// this directory (for DuckDB, Spark, ClickHouse; schema in the README).
    #[arg(long, value_name = "DIR")]
    pub parquet: Option<PathBuf>,
    /// Write the same tables as one JSON document.
    #[arg(long, value_name = "OUT.json")]
    pub json: Option<PathBuf>,
    /// Write the frames of the selected flows as a pcap; OUT.pcapng writes pcapng with a
    /// Name Resolution Block of the names learned, which Wireshark shows.
    #[arg(long, value_name = "OUT.pcap")]
    pub pcap: Option<PathBuf>,
    /// With --pcap: only flows whose addresses, ports, name or owner contain TEXT.
    #[arg(long, value_name = "TEXT", requires = "pcap")]
    pub flows: Option<String>,
    /// Overwrite existing output files.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

fn preset_names() -> PossibleValuesParser {
    PossibleValuesParser::new(PRESETS.map(|preset| preset.0))
}

fn parse_scale(text: &str) -> Result<f32, String> {
    parse_in_range(text, 0.5, 4.0)
}

fn parse_font_scale(text: &str) -> Result<f32, String> {
    parse_in_range(text, 0.5, 3.0)
}

fn parse_in_range(text: &str, low: f32, high: f32) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(value) if (low..=high).contains(&value) => Ok(value),
        Ok(_) => Err(format!("{text} is out of range ({low} to {high})")),
        Err(_) => Err(format!("{text:?} is not a number")),
    }
}

/// `OWNER=#RRGGBB` (the owner may itself contain '='; the colour is after the last one).
fn parse_colour_choice(text: &str) -> Result<(String, Rgb), String> {
    let (owner, hex) = text.rsplit_once('=').ok_or_else(|| format!("{text:?} is not OWNER=#RRGGBB"))?;
    Ok((owner.trim().to_string(), parse_hex(hex)?))
}

/// "#RRGGBB" (or without the '#') as a colour.
fn parse_hex(text: &str) -> Result<Rgb, String> {
    let hex = text.trim().trim_start_matches('#');
    let byte = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
    match (hex.len(), byte(0), byte(2), byte(4)) {
        (6, Some(r), Some(g), Some(b)) => Ok(Rgb(r, g, b)),
        _ => Err(format!("{text:?} is not a colour like #1F77B4")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_while_parsing() {
        assert_eq!(parse_scale("4"), Ok(4.0));
        assert!(parse_scale("9").unwrap_err().contains("0.5 to 4"));
        assert!(parse_font_scale("big").unwrap_err().contains("not a number"));
        assert_eq!(parse_colour_choice("AS1=x=#AA0000"), Ok(("AS1=x".into(), Rgb(0xAA, 0, 0))));
        assert!(parse_colour_choice("Apple").is_err());
        assert!(parse_colour_choice("Apple=#GG0000").unwrap_err().contains("#1F77B4"));
    }
}
