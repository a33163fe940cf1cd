#!/usr/bin/env python3
"""Writes samples/zeek/: the icloud capture as Zeek would log it, in Zeek's TSV format,
as JSON lines, as a gzip log archive tree, plus a directory of deliberately bad lines.

Everything comes from `tshark` run on samples/icloud.pcap (no Zeek needed): one conn.log
line per connection (UDP split after 60 s of silence, as Zeek's udp_inactivity_timeout
does), dns.log answers with their CNAME chains in answer-section order, TLS and QUIC SNI,
HTTP Host. Fields Zeek would fill from parts of the handshake the synthetic capture does
not contain (TLS version, cipher, ssl_history, ...) are fixed plausible values.

Deterministic: uids are hashes of the connection, gzip members carry mtime 0 and no name,
so a rerun reproduces every file byte for byte. The script ends by checking that the
conn.log IP bytes per responder add up to tshark's conversation bytes.

Usage: python3 scripts/make_zeek_samples.py [PCAP] [OUT_DIR]
"""

import gzip
import hashlib
import json
import os
import subprocess
import sys
from collections import OrderedDict, defaultdict
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PCAP = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "samples", "icloud.pcap")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "samples", "zeek")

UDP_INACTIVITY = 60.0
ETHERNET_HEADER = 14
AGG = "\x1f"  # tshark aggregator for multi-value fields (TXT strings contain commas)


def tshark(display_filter, fields):
    cmd = ["tshark", "-r", PCAP, "-T", "fields", "-E", "separator=\t", "-E", "aggregator=" + AGG]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        vals = line.split("\t")
        rows.append(dict(zip(fields, vals + [""] * (len(fields) - len(vals)))))
    return rows


def multi(value):
    return [v for v in value.split(AGG)] if value else []


# ---------------------------------------------------------------- connections

PACKET_FIELDS = [
    "frame.number", "frame.time_epoch", "frame.len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "ip.len", "ip.hdr_len", "ip.id", "ip.flags.mf", "ip.frag_offset", "ipv6.plen", "ip.proto",
    "ipv6.nxt", "tcp.stream", "udp.stream", "tcp.srcport", "tcp.dstport", "udp.srcport",
    "udp.dstport", "tcp.flags", "tcp.len", "udp.length",
]


def read_packets():
    packets = tshark("ip || ipv6", PACKET_FIELDS)
    # The first fragment of a fragmented datagram carries no UDP header: tshark reports the
    # datagram on the frame completing reassembly. Zeek counts the reassembled datagram once.
    first_fragments = {p["ip.id"] for p in packets if p["ip.flags.mf"] in ("1", "True") and p["ip.frag_offset"] == "0"}
    out = []
    for p in packets:
        src = p["ip.src"] or p["ipv6.src"]
        dst = p["ip.dst"] or p["ipv6.dst"]
        if p["tcp.stream"]:
            proto, stream = "tcp", int(p["tcp.stream"])
            sport, dport = int(p["tcp.srcport"]), int(p["tcp.dstport"])
        elif p["udp.stream"]:
            proto, stream = "udp", int(p["udp.stream"])
            sport, dport = int(p["udp.srcport"]), int(p["udp.dstport"])
        else:
            if p["ip.id"] in first_fragments:
                continue  # counted with its reassembled datagram
            raise SystemExit(f"frame {p['frame.number']}: neither TCP nor UDP; extend the script")
        if p["ip.len"]:
            reassembled = proto == "udp" and p["ip.frag_offset"] not in ("", "0")
            hdr = int(p["ip.hdr_len"])
            ip_bytes = hdr + int(p["udp.length"]) if reassembled else int(p["ip.len"])
        else:
            ip_bytes = 40 + int(p["ipv6.plen"])
        if proto == "tcp":
            payload = int(p["tcp.len"] or 0)
        else:
            payload = int(p["udp.length"]) - 8
        out.append({
            "frame": int(p["frame.number"]), "ts": p["frame.time_epoch"], "frame_len": int(p["frame.len"]),
            "src": src, "dst": dst, "sport": sport, "dport": dport, "proto": proto, "stream": stream,
            "ip_bytes": ip_bytes, "payload": payload,
            "flags": int(p["tcp.flags"], 16) if p["tcp.flags"] else 0,
        })
    return out


def uid(*parts):
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    n = int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest(), "big")
    s = ""
    while len(s) < 17:
        n, r = divmod(n, 62)
        s += alphabet[r]
    return "C" + s


def tcp_history(pkts, orig):
    """Zeek's history letters, each at its first occurrence per direction."""
    seen, hist = set(), ""
    for p in pkts:
        is_orig = (p["src"], p["sport"]) == orig
        f = p["flags"]
        syn, ack, fin, rst = f & 0x02, f & 0x10, f & 0x01, f & 0x04
        letters = []
        if syn and ack:
            letters.append("H")
        elif syn:
            letters.append("S")
        if fin:
            letters.append("F")
        if rst:
            letters.append("R")
        if p["payload"] > 0:
            letters.append("D")
        elif ack and not (syn or fin or rst):
            letters.append("A")
        for letter in letters:
            ch = letter if is_orig else letter.lower()
            if ch not in seen:
                seen.add(ch)
                hist += ch
    return hist


def service_of(proto, port):
    return {("tcp", 443): "ssl", ("tcp", 80): "http", ("tcp", 53): "dns", ("udp", 53): "dns",
            ("udp", 5353): "dns", ("udp", 123): "ntp", ("udp", 67): "dhcp",
            ("udp", 68): "dhcp", ("udp", 443): "quic,ssl"}.get((proto, port))


def build_conns(packets):
    streams = OrderedDict()
    for p in packets:
        streams.setdefault((p["proto"], p["stream"]), []).append(p)
    conns = []
    for (proto, stream), pkts in streams.items():
        pieces = [[pkts[0]]]
        for p in pkts[1:]:
            if proto == "udp" and float(p["ts"]) - float(pieces[-1][-1]["ts"]) > UDP_INACTIVITY:
                pieces.append([p])
            else:
                pieces[-1].append(p)
        for piece in pieces:
            first = piece[0]
            orig = (first["src"], first["sport"])
            resp = (first["dst"], first["dport"])
            o = [p for p in piece if (p["src"], p["sport"]) == orig]
            r = [p for p in piece if (p["src"], p["sport"]) != orig]
            duration = float(piece[-1]["ts"]) - float(first["ts"])
            if proto == "tcp":
                history = tcp_history(piece, orig)
                conn_state = "SF" if "F" in history and "f" in history else "S1"
            else:
                history = ("D" if o else "") + ("d" if r else "")
                conn_state = "SF" if r else "S0"
            conns.append({
                "ts": first["ts"], "uid": uid("conn", proto, orig, resp, first["ts"]),
                "orig_h": orig[0], "orig_p": orig[1], "resp_h": resp[0], "resp_p": resp[1],
                "proto": proto, "service": service_of(proto, resp[1]),
                # Zeek leaves duration and payload byte counts unset for a zero-length connection.
                "duration": duration if duration > 0 else None,
                "orig_bytes": sum(p["payload"] for p in o) if duration > 0 else None,
                "resp_bytes": sum(p["payload"] for p in r) if duration > 0 else None,
                "conn_state": conn_state, "missed_bytes": 0, "history": history,
                "orig_pkts": len(o), "orig_ip_bytes": sum(p["ip_bytes"] for p in o),
                "resp_pkts": len(r), "resp_ip_bytes": sum(p["ip_bytes"] for p in r),
                "ip_proto": 6 if proto == "tcp" else 17,
                "frames": {p["frame"] for p in piece}, "stream": (proto, stream),
                "frame_bytes": sum(p["frame_len"] for p in piece),
            })
    conns.sort(key=lambda c: (float(c["ts"]), c["uid"]))
    return conns


def conn_of_frame(conns, frame):
    for c in conns:
        if frame in c["frames"]:
            return c
    raise SystemExit(f"frame {frame} belongs to no connection")


# ---------------------------------------------------------------- names

DNS_FIELDS = [
    "frame.number", "dns.id", "dns.flags.response", "dns.qry.name", "dns.qry.type",
    "dns.count.answers", "dns.resp.type", "dns.resp.ttl", "dns.cname", "dns.a", "dns.aaaa",
    "dns.txt", "dns.ptr.domain_name", "dns.flags.authoritative", "dns.flags.recdesired",
    "dns.flags.recavail", "dns.flags.rcode", "frame.time_epoch",
]
QTYPE_NAMES = {1: "A", 5: "CNAME", 12: "PTR", 16: "TXT", 28: "AAAA", 255: "*"}
RCODE_NAMES = {0: "NOERROR", 3: "NXDOMAIN"}


def txt_answer(strings):
    return " ".join(f"TXT {len(s)} {s}" for s in strings)


def build_dns(conns):
    rows = tshark("dns || mdns", DNS_FIELDS)
    queries = {}
    unanswered = []
    out = []
    for row in rows:
        conn = conn_of_frame(conns, int(row["frame.number"]))
        key = (conn["uid"], row["dns.id"])
        if row["dns.flags.response"] in ("0", "False"):
            if key in queries:
                unanswered.append(queries[key])
            queries[key] = row
            continue
        query = queries.pop(key, None)
        n = int(row["dns.count.answers"] or 0)
        types = [int(t) for t in multi(row["dns.resp.type"])][:n]
        ttls = [float(t) for t in multi(row["dns.resp.ttl"])][:n]
        pools = {5: multi(row["dns.cname"]), 1: multi(row["dns.a"]), 28: multi(row["dns.aaaa"]),
                 12: multi(row["dns.ptr.domain_name"])}
        txt = multi(row["dns.txt"])
        answers = []
        per_record = 1 if len(txt) == types.count(16) else len(txt)
        for t in types:
            if t == 16:
                # Zeek logs a TXT record as "TXT <len> <text>" per string. tshark does not
                # group strings by record: one string each when the counts match, else all
                # strings in the first record.
                answers.append(txt_answer(txt[:per_record]))
                txt = txt[per_record:]
            else:
                answers.append(pools[t].pop(0))
        qnames = multi(row["dns.qry.name"])
        qtypes = multi(row["dns.qry.type"])
        ts = query["frame.time_epoch"] if query else row["frame.time_epoch"]
        rcode = int(row["dns.flags.rcode"] or 0)
        out.append({
            "ts": ts, "uid": conn["uid"], "conn": conn,
            "trans_id": int(row["dns.id"], 16),
            "rtt": float(row["frame.time_epoch"]) - float(query["frame.time_epoch"]) if query else None,
            "query": qnames[0] if qnames else None,
            "qclass": 1 if qnames else None, "qclass_name": "C_INTERNET" if qnames else None,
            "qtype": int(qtypes[0]) if qtypes else None,
            "qtype_name": QTYPE_NAMES.get(int(qtypes[0])) if qtypes else None,
            "rcode": rcode, "rcode_name": RCODE_NAMES.get(rcode, str(rcode)),
            "AA": row["dns.flags.authoritative"] in ("1", "True"), "TC": False,
            "RD": row["dns.flags.recdesired"] in ("1", "True"),
            "RA": row["dns.flags.recavail"] in ("1", "True"), "Z": 0,
            "answers": answers or None, "TTLs": ttls or None, "rejected": False,
        })
    # Queries never answered (mDNS service browsing) are logged alone, as Zeek does.
    for row in unanswered + list(queries.values()):
        conn = conn_of_frame(conns, int(row["frame.number"]))
        qtype = int(multi(row["dns.qry.type"])[0])
        out.append({
            "ts": row["frame.time_epoch"], "uid": conn["uid"], "conn": conn,
            "trans_id": int(row["dns.id"], 16), "rtt": None, "query": multi(row["dns.qry.name"])[0],
            "qclass": 1, "qclass_name": "C_INTERNET", "qtype": qtype,
            "qtype_name": QTYPE_NAMES.get(qtype), "rcode": None, "rcode_name": None,
            "AA": False, "TC": False, "RD": False, "RA": False, "Z": 0,
            "answers": None, "TTLs": None, "rejected": False,
        })
    out.sort(key=lambda d: (float(d["ts"]), d["uid"], d["trans_id"]))
    return out


def build_ssl_quic_http(conns):
    ssl, quic, http = [], [], []
    for row in tshark("tls.handshake.type == 1", ["frame.number", "tls.handshake.extensions_server_name"]):
        c = conn_of_frame(conns, int(row["frame.number"]))
        ssl.append({"ts": c["ts"], "uid": c["uid"], "conn": c, "version": "TLSv13",
                    "cipher": "TLS_AES_128_GCM_SHA256", "curve": "x25519",
                    "server_name": row["tls.handshake.extensions_server_name"], "resumed": False,
                    "last_alert": None, "next_protocol": None, "established": True,
                    "ssl_history": "CsiI", "cert_chain_fps": None, "client_cert_chain_fps": None,
                    "sni_matches_cert": None})
    for row in tshark("quic.long.packet_type == 0 && tls.handshake.type == 1",
                      ["frame.number", "tls.handshake.extensions_server_name", "quic.dcid", "quic.scid",
                       "tls.handshake.extensions_alpn_str"]):
        c = conn_of_frame(conns, int(row["frame.number"]))
        sni = row["tls.handshake.extensions_server_name"]
        quic.append({"ts": c["ts"], "uid": c["uid"], "conn": c, "version": "1",
                     "client_initial_dcid": row["quic.dcid"], "client_scid": row["quic.scid"],
                     "server_scid": None, "server_name": sni,
                     "client_protocol": multi(row["tls.handshake.extensions_alpn_str"])[0], "history": "ISisD"})
        ssl.append({"ts": c["ts"], "uid": c["uid"], "conn": c, "version": None, "cipher": None,
                    "curve": None, "server_name": sni, "resumed": False, "last_alert": None,
                    "next_protocol": None, "established": False, "ssl_history": "C",
                    "cert_chain_fps": None, "client_cert_chain_fps": None, "sni_matches_cert": None})
    requests = tshark("http.request", ["frame.number", "frame.time_epoch", "http.host", "http.request.method",
                                       "http.request.uri", "http.user_agent", "tcp.stream"])
    responses = {r["tcp.stream"]: r for r in tshark("http.response", ["tcp.stream", "http.response.code",
                 "http.response.phrase", "http.content_length", "http.content_type"])}
    for row in requests:
        c = conn_of_frame(conns, int(row["frame.number"]))
        resp = responses.get(row["tcp.stream"], {})
        http.append({"ts": row["frame.time_epoch"], "uid": c["uid"], "conn": c, "trans_depth": 1,
                     "method": row["http.request.method"], "host": row["http.host"],
                     "uri": row["http.request.uri"], "referrer": None, "version": "1.1",
                     "user_agent": row["http.user_agent"], "origin": None, "request_body_len": 0,
                     "response_body_len": int(resp.get("http.content_length") or 0),
                     "status_code": int(resp["http.response.code"]) if resp else None,
                     "status_msg": resp.get("http.response.phrase"), "info_code": None, "info_msg": None,
                     "tags": [], "username": None, "password": None, "proxied": None,
                     "orig_fuids": None, "orig_filenames": None, "orig_mime_types": None,
                     "resp_fuids": None, "resp_filenames": None,
                     "resp_mime_types": [resp["http.content_type"]] if resp.get("http.content_type") else None})
    for lst in (ssl, quic, http):
        lst.sort(key=lambda r: (float(r["ts"]), r["uid"]))
    return ssl, quic, http


# ---------------------------------------------------------------- writers

ID_FIELDS = [("id.orig_h", "addr"), ("id.orig_p", "port"), ("id.resp_h", "addr"), ("id.resp_p", "port")]
SCHEMAS = {
    "conn": [("ts", "time"), ("uid", "string"), *ID_FIELDS, ("proto", "enum"), ("service", "string"),
             ("duration", "interval"), ("orig_bytes", "count"), ("resp_bytes", "count"),
             ("conn_state", "string"), ("local_orig", "bool"), ("local_resp", "bool"),
             ("missed_bytes", "count"), ("history", "string"), ("orig_pkts", "count"),
             ("orig_ip_bytes", "count"), ("resp_pkts", "count"), ("resp_ip_bytes", "count"),
             ("tunnel_parents", "set[string]"), ("ip_proto", "count")],
    "dns": [("ts", "time"), ("uid", "string"), *ID_FIELDS, ("proto", "enum"), ("trans_id", "count"),
            ("rtt", "interval"), ("query", "string"), ("qclass", "count"), ("qclass_name", "string"),
            ("qtype", "count"), ("qtype_name", "string"), ("rcode", "count"), ("rcode_name", "string"),
            ("AA", "bool"), ("TC", "bool"), ("RD", "bool"), ("RA", "bool"), ("Z", "count"),
            ("answers", "vector[string]"), ("TTLs", "vector[interval]"), ("rejected", "bool")],
    "ssl": [("ts", "time"), ("uid", "string"), *ID_FIELDS, ("version", "string"), ("cipher", "string"),
            ("curve", "string"), ("server_name", "string"), ("resumed", "bool"), ("last_alert", "string"),
            ("next_protocol", "string"), ("established", "bool"), ("ssl_history", "string"),
            ("cert_chain_fps", "vector[string]"), ("client_cert_chain_fps", "vector[string]"),
            ("sni_matches_cert", "bool")],
    "http": [("ts", "time"), ("uid", "string"), *ID_FIELDS, ("trans_depth", "count"), ("method", "string"),
             ("host", "string"), ("uri", "string"), ("referrer", "string"), ("version", "string"),
             ("user_agent", "string"), ("origin", "string"), ("request_body_len", "count"),
             ("response_body_len", "count"), ("status_code", "count"), ("status_msg", "string"),
             ("info_code", "count"), ("info_msg", "string"), ("tags", "set[enum]"), ("username", "string"),
             ("password", "string"), ("proxied", "set[string]"), ("orig_fuids", "vector[string]"),
             ("orig_filenames", "vector[string]"), ("orig_mime_types", "vector[string]"),
             ("resp_fuids", "vector[string]"), ("resp_filenames", "vector[string]"),
             ("resp_mime_types", "vector[string]")],
    "quic": [("ts", "time"), ("uid", "string"), *ID_FIELDS, ("version", "string"),
             ("client_initial_dcid", "string"), ("client_scid", "string"), ("server_scid", "string"),
             ("server_name", "string"), ("client_protocol", "string"), ("history", "string")],
}


def field_value(rec, name):
    if name.startswith("id."):
        c = rec.get("conn", rec)
        return c[{"id.orig_h": "orig_h", "id.orig_p": "orig_p", "id.resp_h": "resp_h", "id.resp_p": "resp_p"}[name]]
    if name == "proto" and "conn" in rec:
        return rec["conn"]["proto"]
    return rec.get(name)


def tsv_escape(s, extra=""):
    out = ""
    for ch in s:
        if ch == "\t" or ch == "\\" or ch in extra or not ch.isprintable():
            out += "".join(f"\\x{b:02x}" for b in ch.encode())
        else:
            out += ch
    return out


def tsv_value(v, typ):
    if v is None:
        return "-"
    if typ.startswith(("vector", "set")):
        if not v:
            return "(empty)"
        inner = typ[typ.index("[") + 1:-1]
        return ",".join(tsv_escape(x, ",") if isinstance(x, str) else tsv_value(x, inner) for x in v)
    if isinstance(v, bool):
        return "T" if v else "F"
    if typ == "time":
        return f"{float(v):.6f}"
    if typ == "interval":
        return f"{float(v):.6f}"
    if isinstance(v, str):
        if v == "":
            return "(empty)"
        if v == "-":
            return "\\x2d"
        return tsv_escape(v)
    return str(v)


def open_close_stamp(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d-%H-%M-%S")


def write_tsv(path, kind, records, open_ts, close_ts):
    schema = SCHEMAS[kind]
    lines = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-",
             f"#path\t{kind}", f"#open\t{open_close_stamp(open_ts)}",
             "#fields\t" + "\t".join(n for n, _ in schema), "#types\t" + "\t".join(t for _, t in schema)]
    for rec in records:
        lines.append("\t".join(tsv_value(field_value(rec, n), t) for n, t in schema))
    lines.append(f"#close\t{open_close_stamp(close_ts)}")
    return "\n".join(lines) + "\n"


def json_value(v, typ, iso):
    if typ == "time":
        t = float(v)
        if iso:
            return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return t
    if typ == "interval":
        return round(float(v), 6)
    if typ.startswith("vector[interval"):
        return [round(float(x), 6) for x in v]
    return v


def write_json(kind, records, iso=False):
    lines = []
    for rec in records:
        obj = {}
        for n, t in SCHEMAS[kind]:
            v = field_value(rec, n)
            if v is None:
                continue  # Zeek's JSON writer leaves unset fields out
            obj[n] = json_value(v, t, iso)
        lines.append(json.dumps(obj, separators=(",", ":")))
    return "\n".join(lines) + "\n"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


def gz(text):
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


# ---------------------------------------------------------------- bad lines

def bad_lines(conns, dns):
    """A conn.log and a dns.log with deliberately broken lines among good ones."""
    good = write_tsv(None, "conn", conns[:6], float(conns[0]["ts"]), float(conns[5]["ts"])).splitlines()
    header, body, close = good[:8], good[8:-1], good[-1]
    cols = body[1].split("\t")
    wrong_count = "\t".join(cols[:10])                                  # 10 of 22 columns
    bad_addr = "\t".join(cols[:2] + ["192.168.1.300"] + cols[3:])        # octet > 255
    bad_number = "\t".join(cols[:17] + ["12x"] + cols[18:])              # orig_ip_bytes
    bad_time = "\t".join(["yesterday"] + cols[1:])
    bad_port = "\t".join(cols[:5] + ["70000"] + cols[6:])
    conn_text = "\n".join(header + [body[0], wrong_count, body[2], bad_addr, body[3], bad_number,
                                    bad_time, body[4], bad_port, body[5], close]) + "\n"
    dns_json = write_json("dns", dns[:4]).splitlines()
    broken = [
        dns_json[0],
        '{"ts":1749488401.0,"uid":"Cbroken","id.orig_h":"192.168.1.23","id.orig_p":49331,',  # cut short
        dns_json[1],
        dns_json[2].replace('"id.resp_h":"192.168.1.1"', '"id.resp_h":"not-an-address"'),
        '["not", "an", "object"]',
        dns_json[3].replace('"TTLs":[', '"TTLs":["soon",'),
    ]
    return conn_text, "\n".join(broken) + "\n"


# ---------------------------------------------------------------- main

def check_totals(conns):
    """conn IP bytes + one Ethernet header per packet == tshark's conversation frame bytes."""
    conv = tshark("ip || ipv6", ["frame.len", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.stream", "udp.stream"])
    frame_bytes = defaultdict(int)
    for row in conv:
        key = ("tcp", int(row["tcp.stream"])) if row["tcp.stream"] else \
              ("udp", int(row["udp.stream"])) if row["udp.stream"] else None
        if key:
            frame_bytes[key] += int(row["frame.len"])
    per_resp = defaultdict(lambda: [0, 0, 0])
    by_stream = defaultdict(lambda: [0, 0])
    for c in conns:
        ip = c["orig_ip_bytes"] + c["resp_ip_bytes"]
        pkts = c["orig_pkts"] + c["resp_pkts"]
        per_resp[c["resp_h"]][0] += ip
        per_resp[c["resp_h"]][1] += ip + ETHERNET_HEADER * pkts
        by_stream[c["stream"]][0] += ip + ETHERNET_HEADER * pkts
        by_stream[c["stream"]][1] = c["resp_h"]
    for stream, (zeek_frames, resp_h) in by_stream.items():
        per_resp[resp_h][2] += frame_bytes[stream]
    print("responder                     conn IP bytes   + 14/pkt   tshark conv bytes")
    # tshark's conversation table counts a fragmented datagram as the frame that completed
    # reassembly; Zeek counts the reassembled datagram, so the payload of the earlier
    # fragments is in the conn bytes but not in tshark's table.
    frags = tshark("ip.flags.mf == 1 && ip.frag_offset == 0", ["ip.dst", "ip.src", "ip.len", "ip.hdr_len"])
    early = defaultdict(int)
    for f in frags:
        responder = f["ip.src"] if f["ip.src"] in per_resp else f["ip.dst"]
        early[responder] += int(f["ip.len"]) - int(f["ip.hdr_len"])
    ok = True
    for resp_h, (ip, framed, tshark_bytes) in sorted(per_resp.items(), key=lambda kv: -kv[1][0]):
        mark = f"   + {early[resp_h]} payload of earlier IP fragments" if early[resp_h] else ""
        ok &= framed == tshark_bytes + early[resp_h]
        print(f"{resp_h:28} {ip:14} {framed:10} {tshark_bytes:18}{mark}")
    if not ok:
        raise SystemExit("per-responder totals do not match tshark")
    print("totals match")


def main():
    packets = read_packets()
    conns = build_conns(packets)
    dns = build_dns(conns)
    ssl, quic, http = build_ssl_quic_http(conns)
    logs = {"conn": conns, "dns": dns, "ssl": ssl, "http": http, "quic": quic}
    first = float(packets[0]["ts"])
    last = float(packets[-1]["ts"])

    for kind, recs in logs.items():
        write(os.path.join(OUT, "icloud", f"{kind}.log"), write_tsv(None, kind, recs, first, last + 1))
        # JSON logs: ssl and quic with ISO 8601 timestamps (LogAscii::json_timestamps =
        # JSON::TS_ISO8601), the others with the default epoch floats.
        iso = kind in ("ssl", "quic")
        write(os.path.join(OUT, "icloud-json", f"{kind}.log"), write_json(kind, recs, iso))

    # A logger's archive: one directory per day, one gzip file per log and rotation interval.
    day = datetime.fromtimestamp(first, timezone.utc)
    start = day.replace(minute=0, second=0, microsecond=0)
    interval = f"{start:%H}:00:00-{(start.hour + 1) % 24:02d}:00:00"
    arch = os.path.join(OUT, "icloud-archive", f"{day:%Y-%m-%d}")
    for kind, recs in logs.items():
        text = write_tsv(None, kind, recs, start.timestamp(), start.timestamp() + 3600)
        write(os.path.join(arch, f"{kind}.{interval}.log.gz"), gz(text))
    # A log kind the reader does not know: it must be skipped, not fail the tree.
    weird = ("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tweird\n"
             f"#open\t{open_close_stamp(start.timestamp())}\n#fields\tts\tname\n#types\ttime\tstring\n"
             f"{first + 72.03:.6f}\tdns_unmatched_reply\n#close\t{open_close_stamp(start.timestamp() + 3600)}\n")
    write(os.path.join(arch, f"weird.{interval}.log.gz"), gz(weird))

    conn_text, dns_text = bad_lines(conns, dns)
    write(os.path.join(OUT, "bad-lines", "conn.log"), conn_text)
    write(os.path.join(OUT, "bad-lines", "dns.log"), dns_text)

    print(f"{len(conns)} conns, {len(dns)} dns, {len(ssl)} ssl, {len(http)} http, {len(quic)} quic -> {OUT}")
    check_totals(conns)


if __name__ == "__main__":
    main()
