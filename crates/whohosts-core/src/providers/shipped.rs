//! The shipped snapshot: gzipped tables in `assets/ranges/` compiled into the binary,
//! decoded into a `ProviderDb` at start-up. `scripts/build_ranges.py` writes them;
//! `assets/MANIFEST.md` says where they come from.

use std::io::Read;

use flate2::read::GzDecoder;
use ipnet::IpNet;
use serde::Deserialize;

use super::asn::AsnTable;
use super::db::{Dataset, ProviderDb};
use super::{ProviderError, ASN_DATA_ATTRIBUTION, CLOUD_DATA_ATTRIBUTION};

macro_rules! asset {
    ($name:literal) => {
        ($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/ranges/", $name)).as_slice())
    };
}

type Asset = (&'static str, &'static [u8]);

const CLOUD: Asset = asset!("cloud.tsv.gz");
const ROUTES: Asset = asset!("asn-routes.tsv.gz");
const ASN_V4: Asset = asset!("asn-v4.bin.gz");
const ASN_V6: Asset = asset!("asn-v6.bin.gz");
const ASN_ORGS: Asset = asset!("asn-orgs.tsv.gz");
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

fn gunzip_bytes((name, bytes): Asset) -> Result<Vec<u8>, ProviderError> {
    let mut out = Vec::with_capacity(bytes.len() * 4);
    GzDecoder::new(bytes).read_to_end(&mut out).map_err(|e| ProviderError::Asset {
        asset: name,
        position: "gzip stream".into(),
        reason: e.to_string(),
    })?;
    Ok(out)
}

fn gunzip(asset: Asset) -> Result<String, ProviderError> {
    String::from_utf8(gunzip_bytes(asset)?).map_err(|e| ProviderError::Asset {
        asset: asset.0,
        position: "gzip stream".into(),
        reason: e.to_string(),
    })
}

/// Inserts `CIDR<TAB>provider<TAB>service<TAB>region` lines; returns how many.
fn insert_cidr_table(db: &mut ProviderDb, asset: Asset, dataset: u32) -> Result<usize, ProviderError> {
    let text = gunzip(asset)?;
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
    // The ASN table is the bigger half: decode it on a second core meanwhile.
    let (mut db, table) = std::thread::scope(|scope| {
        let asn_job = scope.spawn(|| -> Result<AsnTable, ProviderError> {
            AsnTable::parse(&gunzip_bytes(ASN_V4)?, &gunzip_bytes(ASN_V6)?, gunzip(ASN_ORGS)?)
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
            position: "gzip stream".into(),
            reason: "decoder thread panicked".into(),
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

    /// Where start-up time goes; `cargo test --release --lib snapshot::tests::phases -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing report"]
    fn phases() {
        let t = Instant::now();
        let texts: Vec<Vec<u8>> =
            [CLOUD, ROUTES, ASN_V4, ASN_V6, ASN_ORGS].into_iter().map(|a| gunzip_bytes(a).expect("gunzip")).collect();
        let orgs = String::from_utf8(texts[4].clone()).expect("utf-8");
        let gz = t.elapsed();
        let t = Instant::now();
        let table = AsnTable::parse(&texts[2], &texts[3], orgs).expect("asn");
        let asn = t.elapsed();
        let t = Instant::now();
        let mut db = ProviderDb::empty();
        insert_cidr_table(&mut db, CLOUD, 0).expect("cloud");
        let cloud = t.elapsed();
        println!("gunzip all {gz:?}; asn parse {asn:?} ({:?}); cloud gunzip+insert {cloud:?}", table.range_counts());
    }
}
