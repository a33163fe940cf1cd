//! The official JSON range files: AWS `ip-ranges.json`, Azure `ServiceTags_Public_*.json`,
//! Google Cloud `cloud.json` and Oracle `public_ip_ranges.json`, told apart by their keys.

use std::path::Path;

use ipnet::IpNet;
use serde_json::{Map, Value};

use super::load::{Parsed, RangeRecord};
use super::ProviderError;

type Object = Map<String, Value>;

/// Turns bad entries into errors that name the file, the entry path and the value.
struct Ctx<'a> {
    path: &'a Path,
}

impl Ctx<'_> {
    fn bad(&self, entry: String, value: &Value, reason: &'static str) -> ProviderError {
        let mut value = value.to_string();
        if value.len() > 200 {
            let cut = (0..=200).rev().find(|&i| value.is_char_boundary(i)).unwrap_or(0);
            value.truncate(cut);
            value.push('…');
        }
        ProviderError::BadEntry { path: self.path.to_path_buf(), entry, value, reason }
    }

    fn array<'v>(&self, obj: &'v Object, key: &str) -> Result<&'v [Value], ProviderError> {
        match obj.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(self.bad(key.to_string(), other, "expected an array")),
        }
    }

    fn object<'v>(&self, entry: &str, value: &'v Value) -> Result<&'v Object, ProviderError> {
        value.as_object().ok_or_else(|| self.bad(entry.to_string(), value, "expected an object"))
    }

    fn prefix(&self, entry: &str, holder: &Value, field: Option<&Value>) -> Result<IpNet, ProviderError> {
        let text = field
            .ok_or_else(|| self.bad(entry.to_string(), holder, "missing prefix"))?
            .as_str()
            .ok_or_else(|| self.bad(entry.to_string(), holder, "prefix is not a string"))?;
        text.trim().parse().map_err(|_| self.bad(entry.to_string(), &Value::from(text), "invalid CIDR"))
    }
}

fn text(obj: &Object, key: &str) -> Option<String> {
    match obj.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().chars().take(128).collect()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn parse_json(path: &Path, text_in: &str) -> Result<Parsed, ProviderError> {
    let root: Value =
        serde_json::from_str(text_in).map_err(|source| ProviderError::Json { path: path.to_path_buf(), source })?;
    let ctx = Ctx { path };
    let obj = ctx.object("top level", &root)?;
    let has = |key: &str| obj.contains_key(key);
    if has("createDate") && (has("prefixes") || has("ipv6_prefixes")) {
        aws(&ctx, obj)
    } else if has("values") && (has("changeNumber") || has("cloud")) {
        azure(&ctx, obj)
    } else if has("creationTime") && has("prefixes") {
        gcp(&ctx, obj)
    } else if has("regions") && has("last_updated_timestamp") {
        oracle(&ctx, obj)
    } else {
        let keys: Vec<&str> = obj.keys().take(8).map(String::as_str).collect();
        Err(ProviderError::UnknownFormat { path: path.to_path_buf(), detail: format!("JSON with keys {keys:?}") })
    }
}

fn aws(ctx: &Ctx<'_>, obj: &Object) -> Result<Parsed, ProviderError> {
    let mut records = Vec::new();
    for (list, field) in [("prefixes", "ip_prefix"), ("ipv6_prefixes", "ipv6_prefix")] {
        for (i, item) in ctx.array(obj, list)?.iter().enumerate() {
            let entry = format!("{list}[{i}]");
            let fields = ctx.object(&entry, item)?;
            records.push(RangeRecord {
                prefix: ctx.prefix(&entry, item, fields.get(field))?,
                provider: "AWS".into(),
                service: text(fields, "service"),
                region: text(fields, "region"),
            });
        }
    }
    Ok(Parsed { format: "aws-ip-ranges", date: text(obj, "createDate"), records })
}

/// `ServiceTags_Public_20261102.json` carries its publication date in the name.
fn date_in_file_name(path: &Path) -> Option<String> {
    let name = path.file_stem()?.to_str()?;
    let digits = name.rsplit('_').next()?;
    (digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]))
}

fn azure(ctx: &Ctx<'_>, obj: &Object) -> Result<Parsed, ProviderError> {
    let mut records = Vec::new();
    for (i, item) in ctx.array(obj, "values")?.iter().enumerate() {
        let entry = format!("values[{i}]");
        let fields = ctx.object(&entry, item)?;
        let name = text(fields, "name");
        let props_entry = format!("{entry}.properties");
        let props = ctx.object(&props_entry, fields.get("properties").unwrap_or(&Value::Null))?;
        // "Storage.EastUS": the service before the dot; the region from properties.
        let service = name.as_deref().map(|n| n.split('.').next().unwrap_or(n).to_string());
        let region = text(props, "region").or_else(|| {
            let (_, suffix) = name.as_deref()?.split_once('.')?;
            Some(suffix.to_ascii_lowercase())
        });
        let prefixes_entry = format!("{props_entry}.addressPrefixes");
        let prefixes = ctx.array(props, "addressPrefixes")?;
        for (j, prefix) in prefixes.iter().enumerate() {
            let entry = format!("{prefixes_entry}[{j}]");
            records.push(RangeRecord {
                prefix: ctx.prefix(&entry, prefix, Some(prefix))?,
                provider: "Azure".into(),
                service: service.clone(),
                region: region.clone(),
            });
        }
    }
    let change = text(obj, "changeNumber").map(|n| format!("changeNumber {n}"));
    let cloud = text(obj, "cloud").map(|c| format!("cloud {c}"));
    let stated: Vec<String> = [change, cloud].into_iter().flatten().collect();
    let date = match (date_in_file_name(ctx.path), stated.is_empty()) {
        (Some(d), true) => Some(d),
        (Some(d), false) => Some(format!("{d} ({})", stated.join(", "))),
        (None, false) => Some(stated.join(", ")),
        (None, true) => None,
    };
    Ok(Parsed { format: "azure-service-tags", date, records })
}

fn gcp(ctx: &Ctx<'_>, obj: &Object) -> Result<Parsed, ProviderError> {
    let mut records = Vec::new();
    for (i, item) in ctx.array(obj, "prefixes")?.iter().enumerate() {
        let entry = format!("prefixes[{i}]");
        let fields = ctx.object(&entry, item)?;
        let field = fields.get("ipv4Prefix").or_else(|| fields.get("ipv6Prefix"));
        records.push(RangeRecord {
            prefix: ctx.prefix(&entry, item, field)?,
            provider: "Google Cloud".into(),
            service: text(fields, "service"),
            region: text(fields, "scope"),
        });
    }
    Ok(Parsed { format: "gcp-cloud-json", date: text(obj, "creationTime"), records })
}

fn oracle(ctx: &Ctx<'_>, obj: &Object) -> Result<Parsed, ProviderError> {
    let mut records = Vec::new();
    for (i, item) in ctx.array(obj, "regions")?.iter().enumerate() {
        let entry = format!("regions[{i}]");
        let fields = ctx.object(&entry, item)?;
        let region = text(fields, "region");
        for (j, cidr) in ctx.array(fields, "cidrs")?.iter().enumerate() {
            let entry = format!("{entry}.cidrs[{j}]");
            let cidr_fields = ctx.object(&entry, cidr)?;
            let tags: Vec<&str> = cidr_fields
                .get("tags")
                .and_then(Value::as_array)
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            records.push(RangeRecord {
                prefix: ctx.prefix(&entry, cidr, cidr_fields.get("cidr"))?,
                provider: "Oracle Cloud".into(),
                service: (!tags.is_empty()).then(|| tags.join(",")),
                region: region.clone(),
            });
        }
    }
    Ok(Parsed { format: "oracle-public-ip-ranges", date: text(obj, "last_updated_timestamp"), records })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_date_from_file_name() {
        let p = Path::new("/x/ServiceTags_Public_20261102.json");
        assert_eq!(date_in_file_name(p).as_deref(), Some("2026-11-02"));
        assert_eq!(date_in_file_name(Path::new("tags.json")), None);
    }

    #[test]
    fn unknown_json_names_its_keys() {
        let e = parse_json(Path::new("x.json"), r#"{"foo": 1}"#).expect_err("unknown");
        assert!(e.to_string().contains("x.json") && e.to_string().contains("foo"), "{e}");
        let e = parse_json(Path::new("y.json"), "[1]").expect_err("not an object");
        assert!(e.to_string().contains("y.json"), "{e}");
    }
}
