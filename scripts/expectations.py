#!/usr/bin/env python3
"""Writes tests/expected/<stem>.conv.json and <stem>.names.json for every file in samples/,
from tshark, so the test suite can compare whohosts against tshark without needing tshark.

conv.json   one object per TCP/UDP conversation (tshark's tcp.stream / udp.stream), in order
            of first frame. "frames"/"bytes" follow tshark's conversation table exactly (a
            reassembled IP datagram counts once, as the frame that completed it);
            "wire_frames"/"wire_bytes" also count the IP fragments that were reassembled into
            it. A is the source of the conversation's first frame. Bytes are frame lengths.
            The totals are cross-checked against `tshark -z conv,tcp -z conv,udp`.
names.json  {"dns": [...], "tls_sni": [...], "quic_sni": [...], "http_host": [...]}, each
            entry carrying its frame number (see samples/README.md for the exact schema).
<stem>.error.json is written when tshark reports an error reading the file (truncated,
garbage); conv/names then hold what tshark read before the error (nothing for garbage).

Usage: scripts/expectations.py [SAMPLES_DIR] [OUT_DIR]   (defaults: samples tests/expected)
"""

import json
import re
import subprocess
import sys
from pathlib import Path

CONV_FIELDS = [
    "frame.number", "frame.len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.stream", "tcp.srcport", "tcp.dstport", "udp.stream", "udp.srcport", "udp.dstport",
    "ip.fragment", "ipv6.fragment",
]
NAME_FIELDS = [
    "frame.number", "frame.protocols", "dns.flags.response", "udp.srcport", "dns.qry.name",
    "dns.resp.name", "dns.cname", "dns.a", "dns.aaaa",
    "tls.handshake.extensions_server_name", "http.host",
]


def tshark_fields(path, fields, display_filter=None):
    """Runs tshark -T fields; returns (rows as lists of value lists, stderr)."""
    cmd = ["tshark", "-n", "-r", str(path), "-T", "fields", "-E", "separator=\t",
           "-E", "aggregator=|", "-E", "occurrence=a"]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    rows = []
    for line in proc.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows.append([[v for v in c.split("|") if v] for c in cols])
    return rows, clean_stderr(proc.stderr)


def clean_stderr(text):
    lines = [l for l in text.splitlines() if l.strip() and not l.startswith("Running as user")]
    return "\n".join(lines)


def first(values):
    return values[0] if values else None


def conversations(path):
    rows, err = tshark_fields(path, CONV_FIELDS)
    f = {name: i for i, name in enumerate(CONV_FIELDS)}
    frame_len = {}
    convs = {}
    for r in rows:
        num = int(r[f["frame.number"]][0])
        length = int(r[f["frame.len"]][0])
        frame_len[num] = length
        src = first(r[f["ip.src"]]) or first(r[f["ipv6.src"]])
        dst = first(r[f["ip.dst"]]) or first(r[f["ipv6.dst"]])
        for proto in ("tcp", "udp"):
            stream = first(r[f[proto + ".stream"]])
            if stream is None:
                continue
            sport = int(r[f[proto + ".srcport"]][0])
            dport = int(r[f[proto + ".dstport"]][0])
            key = (proto, int(stream))
            c = convs.get(key)
            if c is None:
                c = convs[key] = {
                    "proto": proto, "a": src, "a_port": sport, "b": dst, "b_port": dport,
                    "frames": 0, "bytes": 0, "frames_a_to_b": 0, "bytes_a_to_b": 0,
                    "frames_b_to_a": 0, "bytes_b_to_a": 0, "first_frame": num,
                    "wire_frames": 0, "wire_bytes": 0, "_fragments": set(),
                }
            a_to_b = (src, sport) == (c["a"], c["a_port"])
            c["frames"] += 1
            c["bytes"] += length
            d = "a_to_b" if a_to_b else "b_to_a"
            c["frames_" + d] += 1
            c["bytes_" + d] += length
            for frag in r[f["ip.fragment"]] + r[f["ipv6.fragment"]]:
                if int(frag) != num:
                    c["_fragments"].add(int(frag))
    out = []
    for key in sorted(convs, key=lambda k: convs[k]["first_frame"]):
        c = convs[key]
        frags = c.pop("_fragments")
        c["wire_frames"] = c["frames"] + len(frags)
        c["wire_bytes"] = c["bytes"] + sum(frame_len.get(n, 0) for n in frags)
        out.append(c)
    return out, err


CONV_LINE = re.compile(
    r"^(\S+)\s+<->\s+(\S+)\s+(\d+) (\d+) (\w+)\s+(\d+) (\d+) (\w+)\s+(\d+) (\d+) (\w+)\s")


def conv_table(path):
    """tshark's own conversation table: {(proto, a, a_port, b, b_port): (frames, bytes|None)}."""
    proc = subprocess.run(["tshark", "-n", "-r", str(path), "-q", "-z", "conv,tcp", "-z", "conv,udp"],
                          capture_output=True, text=True)
    table, proto = {}, None
    for line in proc.stdout.splitlines():
        if line.startswith("TCP Conversations"):
            proto = "tcp"
        elif line.startswith("UDP Conversations"):
            proto = "udp"
        m = CONV_LINE.match(line)
        if m and proto:
            a, a_port = m.group(1).rsplit(":", 1)
            b, b_port = m.group(2).rsplit(":", 1)
            frames, size, unit = int(m.group(9)), int(m.group(10)), m.group(11)
            table[(proto, a, int(a_port), b, int(b_port))] = (frames, size if unit == "bytes" else None)
    return table


def cross_check(name, convs, table):
    """Reports any conversation where our grouping disagrees with tshark's table."""
    problems = []
    for c in convs:
        key = (c["proto"], c["a"], c["a_port"], c["b"], c["b_port"])
        rev = (c["proto"], c["b"], c["b_port"], c["a"], c["a_port"])
        got = table.get(key) or table.get(rev)
        if got is None:
            problems.append(f"{name}: {key} missing from tshark's conversation table")
            continue
        frames, size = got
        if frames != c["frames"] or (size is not None and size != c["bytes"]):
            problems.append(f"{name}: {key} table says {got}, fields say {(c['frames'], c['bytes'])}")
    if len(table) != len(convs):
        problems.append(f"{name}: table has {len(table)} conversations, fields {len(convs)}")
    return problems


def names(path):
    rows, _ = tshark_fields(
        path, NAME_FIELDS,
        "dns.flags.response == 1 or tls.handshake.extensions_server_name or http.host")
    f = {name: i for i, name in enumerate(NAME_FIELDS)}
    out = {"dns": [], "tls_sni": [], "quic_sni": [], "http_host": []}
    for r in rows:
        num = int(r[f["frame.number"]][0])
        protocols = (first(r[f["frame.protocols"]]) or "").split(":")
        if "1" in r[f["dns.flags.response"]]:
            out["dns"].append({
                "frame": num,
                "mdns": "5353" in r[f["udp.srcport"]],
                "query": r[f["dns.qry.name"]],
                "answer_names": sorted(set(r[f["dns.resp.name"]]) - {"<Root>"}),  # OPT owner
                "cnames": r[f["dns.cname"]],
                "a": r[f["dns.a"]],
                "aaaa": r[f["dns.aaaa"]],
            })
        for sni in r[f["tls.handshake.extensions_server_name"]]:
            kind = "quic_sni" if "quic" in protocols else "tls_sni"
            out[kind].append({"frame": num, "name": sni})
        for host in r[f["http.host"]]:
            out["http_host"].append({"frame": num, "host": host})
    return out


def main():
    samples = Path(sys.argv[1] if len(sys.argv) > 1 else "samples")
    out_dir = Path(sys.argv[2] if len(sys.argv) > 2 else "tests/expected")
    out_dir.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    problems = []
    for path in sorted(p for p in samples.iterdir() if p.suffix in (".pcap", ".pcapng")):
        stem = path.stem
        convs, err = conversations(path)
        error_file = out_dir / f"{stem}.error.json"
        if err:
            error_file.write_text(json.dumps({"tool": version, "error": err}, indent=1) + "\n")
        elif error_file.exists():
            error_file.unlink()
        if err and not convs:
            for kind in ("conv", "names"):
                (out_dir / f"{stem}.{kind}.json").unlink(missing_ok=True)
            print(f"{path.name}: tshark error only: {err.splitlines()[0]}")
            continue
        problems += cross_check(path.name, convs, conv_table(path))
        (out_dir / f"{stem}.conv.json").write_text(json.dumps(convs, indent=1) + "\n")
        found = names(path)
        (out_dir / f"{stem}.names.json").write_text(json.dumps(found, indent=1) + "\n")
        counts = ", ".join(f"{k} {len(v)}" for k, v in found.items())
        print(f"{path.name}: {len(convs)} conversations; {counts}" + (" (with error)" if err else ""))
    for p in problems:
        print("DISAGREE", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
