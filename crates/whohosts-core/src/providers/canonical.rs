//! Canonical provider names and the aliases that map to them.

/// The provider names this crate reports for the shipped data, exactly as shown to users.
pub const CANONICAL_PROVIDERS: [&str; 9] =
    ["AWS", "Azure", "Apple", "Google Cloud", "Oracle Cloud", "Cloudflare", "DigitalOcean", "Akamai", "Fastly"];

/// Longest provider name kept from a user file; longer ones are cut (hostile input).
const MAX_NAME_LEN: usize = 64;

/// Maps common spellings (`aws`, `gcp`, `Microsoft Azure`, `oci`, ...) to the canonical
/// name; any other name is kept as given (trimmed, at most 64 characters).
pub fn canonical_provider(name: &str) -> String {
    let trimmed = name.trim();
    let lower = trimmed.to_ascii_lowercase();
    let canonical = match lower.as_str() {
        "aws" | "amazon" | "amazon web services" | "amazonaws" => "AWS",
        "azure" | "microsoft azure" | "microsoft" | "windows azure" => "Azure",
        "apple" => "Apple",
        "gcp" | "google" | "google cloud" | "google cloud platform" => "Google Cloud",
        "oracle" | "oci" | "oracle cloud" | "oracle cloud infrastructure" => "Oracle Cloud",
        "cloudflare" => "Cloudflare",
        "digitalocean" | "digital ocean" => "DigitalOcean",
        "akamai" | "linode" => "Akamai",
        "fastly" => "Fastly",
        _ => return trimmed.chars().take(MAX_NAME_LEN).collect(),
    };
    canonical.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_map_to_canonical_names() {
        assert_eq!(canonical_provider("aws"), "AWS");
        assert_eq!(canonical_provider(" GCP "), "Google Cloud");
        assert_eq!(canonical_provider("Microsoft Azure"), "Azure");
        assert_eq!(canonical_provider("oci"), "Oracle Cloud");
        for name in CANONICAL_PROVIDERS {
            assert_eq!(canonical_provider(name), name);
        }
    }

    #[test]
    fn unknown_names_are_kept_and_bounded() {
        assert_eq!(canonical_provider(" Hetzner "), "Hetzner");
        assert_eq!(canonical_provider(&"x".repeat(500)).len(), MAX_NAME_LEN);
    }
}
