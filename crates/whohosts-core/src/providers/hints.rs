//! Name-based hints: well-known hostname suffixes of each provider. Secondary evidence
//! only (a name says who the site owner chose, not who serves the address); matched on
//! whole labels, so `notamazonaws.com` is not `amazonaws.com`.

use serde::Serialize;

/// A hostname that points at a provider through one of its suffixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameHint {
    pub name: String,
    pub suffix: &'static str,
    pub provider: &'static str,
}

/// (suffix, provider). The longest matching suffix wins, so specific entries such as
/// `blob.core.windows.net` are reported even though `windows.net` also matches.
pub const SUFFIXES: &[(&str, &str)] = &[
    // AWS
    ("amazonaws.com", "AWS"),
    ("amazonaws.com.cn", "AWS"),
    ("s3.amazonaws.com", "AWS"),
    ("elb.amazonaws.com", "AWS"),
    ("cloudfront.net", "AWS"),
    ("awsglobalaccelerator.com", "AWS"),
    ("elasticbeanstalk.com", "AWS"),
    ("on.aws", "AWS"),
    ("api.aws", "AWS"),
    // Azure
    ("windows.net", "Azure"),
    ("blob.core.windows.net", "Azure"),
    ("core.windows.net", "Azure"),
    ("cloudapp.net", "Azure"),
    ("cloudapp.azure.com", "Azure"),
    ("trafficmanager.net", "Azure"),
    ("azureedge.net", "Azure"),
    ("azurefd.net", "Azure"),
    ("azurewebsites.net", "Azure"),
    ("azure-api.net", "Azure"),
    ("azurecr.io", "Azure"),
    ("azure.com", "Azure"),
    // Apple
    ("aaplimg.com", "Apple"),
    ("apple-dns.net", "Apple"),
    ("apple.com", "Apple"),
    ("icloud.com", "Apple"),
    ("icloud-content.com", "Apple"),
    ("mzstatic.com", "Apple"),
    ("cdn-apple.com", "Apple"),
    ("apple-cloudkit.com", "Apple"),
    ("me.com", "Apple"),
    // Google Cloud (and Google's own serving names)
    ("googleusercontent.com", "Google Cloud"),
    ("1e100.net", "Google Cloud"),
    ("googleapis.com", "Google Cloud"),
    ("appspot.com", "Google Cloud"),
    ("run.app", "Google Cloud"),
    ("cloudfunctions.net", "Google Cloud"),
    // Oracle Cloud
    ("oraclecloud.com", "Oracle Cloud"),
    // Cloudflare
    ("cloudflare.net", "Cloudflare"),
    ("cloudflare.com", "Cloudflare"),
    ("cloudflare-dns.com", "Cloudflare"),
    ("cloudflarestorage.com", "Cloudflare"),
    ("workers.dev", "Cloudflare"),
    ("pages.dev", "Cloudflare"),
    // DigitalOcean
    ("digitaloceanspaces.com", "DigitalOcean"),
    ("ondigitalocean.app", "DigitalOcean"),
    ("digitalocean.com", "DigitalOcean"),
    // Akamai
    ("akamaiedge.net", "Akamai"),
    ("akamai.net", "Akamai"),
    ("akamaihd.net", "Akamai"),
    ("akamaized.net", "Akamai"),
    ("akamaitechnologies.com", "Akamai"),
    ("edgekey.net", "Akamai"),
    ("edgesuite.net", "Akamai"),
    ("akadns.net", "Akamai"),
    ("akam.net", "Akamai"),
    // Fastly
    ("fastly.net", "Fastly"),
    ("fastlylb.net", "Fastly"),
    ("fastly.com", "Fastly"),
    ("fastly-edge.com", "Fastly"),
];

/// Whether `name` is `suffix` or ends with `.suffix` (ASCII case-insensitive).
fn has_label_suffix(name: &str, suffix: &str) -> bool {
    let (name, suffix) = (name.as_bytes(), suffix.as_bytes());
    let Some(cut) = name.len().checked_sub(suffix.len()) else {
        return false;
    };
    let tail_matches = name.get(cut..).is_some_and(|t| t.eq_ignore_ascii_case(suffix));
    tail_matches && (cut == 0 || name.get(cut - 1) == Some(&b'.'))
}

/// The provider a hostname points at, by its longest well-known suffix. A trailing dot
/// is ignored; the hint keeps the name as given (without the dot).
pub fn hint_for_name(name: &str) -> Option<NameHint> {
    let name = name.trim().trim_end_matches('.');
    let (suffix, provider) =
        SUFFIXES.iter().filter(|(suffix, _)| has_label_suffix(name, suffix)).max_by_key(|(suffix, _)| suffix.len())?;
    Some(NameHint { name: name.to_string(), suffix, provider })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(name: &str) -> Option<&'static str> {
        hint_for_name(name).map(|h| h.provider)
    }

    #[test]
    fn suffixes_match_on_label_boundaries() {
        assert_eq!(provider("mybucket.s3.amazonaws.com"), Some("AWS"));
        assert_eq!(provider("amazonaws.com"), Some("AWS"));
        assert_eq!(provider("notamazonaws.com"), None);
        assert_eq!(provider("amazonaws.com.evil.example"), None);
        assert_eq!(provider("d111111abcdef8.cloudfront.net."), Some("AWS"));
        assert_eq!(provider("e6858.dscx.akamaiedge.net"), Some("Akamai"));
        assert_eq!(provider("P04-CKDatabase.ICLOUD.com"), Some("Apple"));
        assert_eq!(provider("github.global.ssl.fastly.net"), Some("Fastly"));
        assert_eq!(provider("example.org"), None);
        assert_eq!(provider(""), None);
    }

    #[test]
    fn longest_suffix_is_reported() {
        let hint = hint_for_name("acct.blob.core.windows.net").expect("hint");
        assert_eq!((hint.suffix, hint.provider), ("blob.core.windows.net", "Azure"));
        let hint = hint_for_name("vm1.westeurope.cloudapp.azure.com").expect("hint");
        assert_eq!(hint.suffix, "cloudapp.azure.com");
        assert_eq!(hint.name, "vm1.westeurope.cloudapp.azure.com");
    }

    #[test]
    fn every_suffix_names_a_canonical_provider() {
        for (suffix, provider) in SUFFIXES {
            assert!(super::super::CANONICAL_PROVIDERS.contains(provider), "{suffix}");
            assert_eq!(hint_for_name(suffix).map(|h| h.suffix), Some(*suffix));
        }
    }
}
