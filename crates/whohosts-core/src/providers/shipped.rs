//! The shipped snapshot: tables in `assets/ranges/` compiled into the binary, decoded into
//! a `ProviderDb` at start-up. `scripts/build_ranges.py` writes them, gzipped; the build
//! script unpacks them (gunzipping at every start cost more than reading them);
//! `assets/MANIFEST.md` says where they come from.

use ipnet::IpNet;
use serde::Deserialize;

use super::asn::AsnTable;
use super::db::{Dataset, ProviderDb};
use super::{ProviderError, ASN_DATA_ATTRIBUTION, CLOUD_DATA_ATTRIBUTION};

/// A table as the build script unpacked it, named by its file in the repository.
macro_rules! asset {
    ($name:literal) => {
        (concat!($name, ".gz"), include_bytes!(concat!(env!("OUT_DIR"), "/", $name)).as_slice())
    };
}

type Asset = (&'static str, &'static [u8]);

const CLOUD: Asset = asset!("cloud.tsv");
const ROUTES: Asset = asset!("asn-routes.tsv");
const ASN_V4: Asset = asset!("asn-v4.bin");
const ASN_V6: Asset = asset!("asn-v6.bin");
const ASN_ORGS: Asset = asset!("asn-orgs.tsv");
const SNAPSHOT_JSON: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/ranges/snapshot.json"));

#[derive(Deserialize)]
struct Source {
    source: String,
    date: String,
    licence: String,
}

#[derive(Deserialize)]
struct Manifest {
    cloud: Source,
    asn_routes: Source,
    asn_table: Source,
}

fn text((name, bytes): Asset) -> Result<&'static str, ProviderError> {
    std::str::from_utf8(bytes).map_err(|e| ProviderError::Asset {
        asset: name,
        position: format!("byte {}", e.valid_up_to()),
        reason: e.to_string(),
    })
}

/// Inserts `CIDR<TAB>provider<TAB>service<TAB>region` lines; returns how many.
fn insert_cidr_table(db: &mut ProviderDb, asset: Asset, dataset: u32) -> Result<usize, ProviderError> {
    let text = text(asset)?;
    let mut count = 0;
    for (index, line) in text.lines().enumerate() {
        let mut fields = line.split('\t');
        let parsed = (|| {
            let prefix: IpNet = fields.next()?.parse().ok()?;
            Some((prefix, fields.next()?, fields.next()?, fields.next()?))
        })();
        let Some((prefix, provider, service, region)) = parsed else {
            return Err(ProviderError::Asset {
                asset: asset.0,
                position: format!("line {}", index + 1),
                reason: format!("bad line {line:?}"),
            });
        };
        db.insert(prefix, provider, Some(service), Some(region), dataset);
        count += 1;
    }
    Ok(count)
}

fn dataset(name: &str, source: &Source, attribution: &str) -> Dataset {
    Dataset {
        name: name.to_string(),
        source: source.source.clone(),
        date: source.date.clone(),
        licence: source.licence.clone(),
        attribution: attribution.to_string(),
        prefixes: 0,
        user_loaded: false,
    }
}

fn manifest_error(e: serde_json::Error) -> ProviderError {
    ProviderError::Asset { asset: "snapshot.json", position: format!("line {}", e.line()), reason: e.to_string() }
}

pub(crate) fn load_builtin() -> Result<ProviderDb, ProviderError> {
    let manifest: Manifest = serde_json::from_str(SNAPSHOT_JSON).map_err(manifest_error)?;
    // The ASN table is the bigger half: read it on a second core meanwhile.
    let (mut db, table) = std::thread::scope(|scope| {
        let asn_job = scope.spawn(|| -> Result<AsnTable, ProviderError> {
            AsnTable::parse(ASN_V4.1, ASN_V6.1, text(ASN_ORGS)?.to_owned())
        });
        let mut db = ProviderDb::empty();
        let cloud = db.add_dataset(dataset("cloudip-db", &manifest.cloud, CLOUD_DATA_ATTRIBUTION));
        let count = insert_cidr_table(&mut db, CLOUD, cloud)?;
        db.set_dataset_prefixes(cloud, count);
        let routes = db.add_dataset(dataset("ip-location-db AS routes", &manifest.asn_routes, ASN_DATA_ATTRIBUTION));
        let count = insert_cidr_table(&mut db, ROUTES, routes)?;
        db.set_dataset_prefixes(routes, count);
        let table = asn_job.join().map_err(|_| ProviderError::Asset {
            asset: ASN_V4.0,
            position: "ranges".into(),
            reason: "reader thread panicked".into(),
        })??;
        Ok::<_, ProviderError>((db, table))
    })?;
    let (v4, v6) = table.range_counts();
    let asn = db.add_dataset(dataset("ip-location-db ASN table", &manifest.asn_table, ASN_DATA_ATTRIBUTION));
    db.set_dataset_prefixes(asn, v4 + v6);
    db.set_asn_table(table);
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// Where start-up time goes; `cargo test --release --lib providers::shipped::tests::phases -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing report"]
    fn phases() {
        let t = Instant::now();
        let table = AsnTable::parse(ASN_V4.1, ASN_V6.1, text(ASN_ORGS).expect("utf-8").to_owned()).expect("asn");
        let asn = t.elapsed();
        let t = Instant::now();
        let mut db = ProviderDb::empty();
        insert_cidr_table(&mut db, CLOUD, 0).expect("cloud");
        let cloud = t.elapsed();
        println!("asn parse {asn:?} ({:?}); cloud insert {cloud:?}", table.range_counts());
    }
}
