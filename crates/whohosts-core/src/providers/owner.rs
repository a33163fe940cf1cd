//! Who owns a remote address, as users see it: the one place that decides an owner's kind,
//! its label and its order. Views colour owners by this type (the app's palette), never by
//! comparing labels.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::IpAddr;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::{is_special_purpose, ProviderDb};

/// Label of special-purpose space (private, loopback, link-local, CGNAT, ULA, multicast ...).
pub const LOCAL_LABEL: &str = "Local network";
pub const UNKNOWN_LABEL: &str = "Unknown";
/// Label of the flows and addresses folded together once the flow or endpoint table is full.
pub const OTHER_LABEL: &str = "Other (tables full)";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A provider by its published ranges ("AWS", "Azure" ...), with the range's service
    /// and region when the data names them.
    Provider {
        name: String,
        service: Option<String>,
        region: Option<String>,
    },
    /// Known only by the autonomous system that announces the address.
    As {
        number: u32,
        org: String,
    },
    /// Special-purpose address space: never anyone's cloud.
    Local,
    Unknown,
    /// What the bounded tables folded together.
    Other,
}

impl Owner {
    /// The owner of an address: special-purpose space, else its published range, else its AS.
    pub fn of_address(db: &ProviderDb, ip: IpAddr) -> Owner {
        if is_special_purpose(ip).is_some() {
            return Owner::Local;
        }
        if let Some(m) = db.lookup(ip) {
            return Owner::Provider {
                name: m.provider.to_string(),
                service: m.service.map(str::to_string),
                region: m.region.map(str::to_string),
            };
        }
        match db.asn(ip) {
            Some(a) => Owner::As { number: a.number, org: a.org.to_string() },
            None => Owner::Unknown,
        }
    }

    /// A provider without service or region.
    pub fn provider(name: &str) -> Owner {
        Owner::Provider { name: name.to_string(), service: None, region: None }
    }

    /// The owner a label stands for: the inverse of [`Owner::label`] for groups, so that
    /// a label typed by a user (`--hide "AS15133 Edgecast"`) or written in a fixture means
    /// the same owner as the one attribution made.
    pub fn from_label(label: &str) -> Owner {
        match label {
            LOCAL_LABEL => Owner::Local,
            UNKNOWN_LABEL => Owner::Unknown,
            OTHER_LABEL => Owner::Other,
            _ => as_from_label(label).unwrap_or_else(|| Owner::provider(label)),
        }
    }

    /// What users read: "AWS", "AS8075 Microsoft Corporation", "Local network", "Unknown".
    /// Services and regions are not part of it (see [`Owner::detail`]).
    pub fn label(&self) -> Cow<'_, str> {
        match self {
            Owner::Provider { name, .. } => Cow::Borrowed(name),
            Owner::As { number, org } if org.is_empty() => Cow::Owned(format!("AS{number}")),
            Owner::As { number, org } => Cow::Owned(format!("AS{number} {org}")),
            Owner::Local => Cow::Borrowed(LOCAL_LABEL),
            Owner::Unknown => Cow::Borrowed(UNKNOWN_LABEL),
            Owner::Other => Cow::Borrowed(OTHER_LABEL),
        }
    }

    pub fn service(&self) -> Option<&str> {
        match self {
            Owner::Provider { service, .. } => service.as_deref(),
            _ => None,
        }
    }

    pub fn region(&self) -> Option<&str> {
        match self {
            Owner::Provider { region, .. } => region.as_deref(),
            _ => None,
        }
    }

    /// Service and region joined ("S3 · us-east-1"), empty when neither is known.
    pub fn detail(&self) -> String {
        [self.service(), self.region()].into_iter().flatten().collect::<Vec<_>>().join(" · ")
    }

    /// The owner as legends, colours and counts see it: a provider without its service and
    /// region (AWS S3 and AWS CloudFront are one owner, "AWS").
    pub fn group(&self) -> Owner {
        match self {
            Owner::Provider { name, .. } => Owner::provider(name),
            other => other.clone(),
        }
    }

    /// Whether this is somebody's network on the internet (a provider or an AS), rather
    /// than local, unknown or folded space.
    pub fn is_attributed(&self) -> bool {
        matches!(self, Owner::Provider { .. } | Owner::As { .. })
    }

    fn kind_rank(&self) -> u8 {
        match self {
            Owner::Provider { .. } => 0,
            Owner::As { .. } => 1,
            Owner::Local => 2,
            Owner::Unknown => 3,
            Owner::Other => 4,
        }
    }
}

/// "AS15133 Edgecast" or "AS15133" as an AS owner.
fn as_from_label(label: &str) -> Option<Owner> {
    let rest = label.strip_prefix("AS")?;
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let number = rest.get(..digits)?.parse().ok()?;
    let org = rest.get(digits..)?;
    if !(org.is_empty() || org.starts_with(' ')) {
        return None;
    }
    Some(Owner::As { number, org: org.trim().to_string() })
}

/// Writes the label.
impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// One rule orders owners wherever they are listed alike: providers by name (then service
/// and region), then AS owners by number (AS8068 before AS62041), then local, unknown and
/// folded space. Lists by size sort by bytes first and use this for ties.
impl Ord for Owner {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_kind = self.kind_rank().cmp(&other.kind_rank());
        by_kind.then_with(|| match (self, other) {
            (
                Owner::Provider { name: a, service: sa, region: ra },
                Owner::Provider { name: b, service: sb, region: rb },
            ) => a.cmp(b).then_with(|| sa.cmp(sb)).then_with(|| ra.cmp(rb)),
            (Owner::As { number: a, org: oa }, Owner::As { number: b, org: ob }) => a.cmp(b).then_with(|| oa.cmp(ob)),
            _ => Ordering::Equal,
        })
    }
}

impl PartialOrd for Owner {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Serialised as `{name, service, region}` with the label as the name: what the JSON
/// documents have always carried.
impl Serialize for Owner {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Owner", 3)?;
        s.serialize_field("name", &self.label())?;
        s.serialize_field("service", &self.service())?;
        s.serialize_field("region", &self.region())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_labels_read_back() {
        let cases = [
            Owner::provider("AWS"),
            Owner::As { number: 8075, org: "Microsoft Corporation".into() },
            Owner::As { number: 64500, org: String::new() },
            Owner::Local,
            Owner::Unknown,
            Owner::Other,
        ];
        for owner in cases {
            assert_eq!(Owner::from_label(&owner.label()), owner, "{}", owner.label());
        }
        assert_eq!(Owner::Local.label(), "Local network");
        assert_eq!(Owner::from_label("ASUS Cloud"), Owner::provider("ASUS Cloud"));
    }

    #[test]
    fn services_and_regions_fold_into_one_group() {
        let s3 = Owner::Provider { name: "AWS".into(), service: Some("S3".into()), region: Some("us-east-1".into()) };
        let cloudfront = Owner::Provider { name: "AWS".into(), service: Some("CLOUDFRONT".into()), region: None };
        assert_ne!(s3, cloudfront);
        assert_eq!(s3.group(), cloudfront.group());
        assert_eq!(s3.detail(), "S3 · us-east-1");
        assert_eq!(s3.label(), "AWS");
    }

    #[test]
    fn as_owners_sort_by_number_after_providers_and_before_local_space() {
        let mut owners = [
            Owner::Unknown,
            Owner::As { number: 62041, org: "Telegram".into() },
            Owner::Local,
            Owner::As { number: 8068, org: "Microsoft".into() },
            Owner::provider("Azure"),
            Owner::provider("AWS"),
        ];
        owners.sort();
        let labels: Vec<_> = owners.iter().map(|o| o.label().into_owned()).collect();
        assert_eq!(labels, ["AWS", "Azure", "AS8068 Microsoft", "AS62041 Telegram", "Local network", "Unknown"]);
    }

    #[test]
    fn serialises_as_name_service_region() {
        let owner = Owner::Provider { name: "Azure".into(), service: Some("Storage".into()), region: None };
        let json = serde_json::to_string(&owner).unwrap_or_default();
        assert_eq!(json, r#"{"name":"Azure","service":"Storage","region":null}"#);
        let json = serde_json::to_string(&Owner::As { number: 714, org: "APPLE".into() }).unwrap_or_default();
        assert_eq!(json, r#"{"name":"AS714 APPLE","service":null,"region":null}"#);
    }
}
