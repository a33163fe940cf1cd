#!/usr/bin/env python3
"""Writes a deterministic Zeek log set for `make bench`: conn.log with N lines (default
1,000,000) and matching dns.log and ssl.log (one DNS answer and one SNI per 10 connections),
in Zeek's TSV format. Usage: make_zeek_bench.py OUT_DIR [N]"""
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
os.makedirs(out, exist_ok=True)
rng = random.Random(15)
T0 = 1749488400.0
# Responders across the shipped ranges' owners (AWS, Azure, Apple, Akamai, Cloudflare ...).
prefixes = ["16.15.101", "13.88.144", "17.248.185", "2.16.6", "104.16.0", "108.138.64", "20.60.0", "142.250.74"]
servers = [f"{p}.{h}" for p in prefixes for h in range(1, 251)]
clients = [f"192.168.{c // 250}.{c % 250 + 1}" for c in range(2000)]

def header(f, path, fields, types):
    f.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n")
    f.write(f"#path\t{path}\n#open\t2025-06-09-17-00-00\n")
    f.write("#fields\t" + "\t".join(fields) + "\n#types\t" + "\t".join(types) + "\n")

with open(f"{out}/conn.log", "w") as conn, open(f"{out}/dns.log", "w") as dns, open(f"{out}/ssl.log", "w") as ssl:
    header(conn, "conn", ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service",
                          "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp",
                          "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes",
                          "tunnel_parents"],
           ["time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count", "count",
            "string", "bool", "bool", "count", "string", "count", "count", "count", "count", "set[string]"])
    header(dns, "dns", ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id",
                        "query", "qtype_name", "rcode_name", "answers", "TTLs"],
           ["time", "string", "addr", "port", "addr", "port", "enum", "count", "string", "string", "string",
            "vector[string]", "vector[interval]"])
    header(ssl, "ssl", ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "server_name"],
           ["time", "string", "addr", "port", "addr", "port", "string"])
    for i in range(n):
        ts = T0 + i * 3600.0 / n
        client, server = rng.choice(clients), servers[int(rng.paretovariate(1.2)) % len(servers)]
        sport, dur = 1024 + i % 60000, rng.expovariate(1 / 5.0)
        opk, rpk = rng.randint(3, 40), rng.randint(3, 400)
        ob, rb = opk * 80, rpk * 1200
        uid = f"C{i:017x}"
        conn.write(f"{ts:.6f}\t{uid}\t{client}\t{sport}\t{server}\t443\ttcp\tssl\t{dur:.6f}\t{ob - opk * 52}\t"
                   f"{rb - rpk * 52}\tSF\tT\tF\t0\tShADadFf\t{opk}\t{ob}\t{rpk}\t{rb}\t-\n")
        if i % 10 == 0:
            name = f"host{servers.index(server)}.example-{server.split('.')[0]}.com"
            dns.write(f"{ts - 0.01:.6f}\tD{i:017x}\t{client}\t{40000 + i % 20000}\t192.168.0.1\t53\tudp\t{i % 65536}\t"
                      f"{name}\tA\tNOERROR\tedge.{name},{server}\t60.000000,20.000000\n")
            ssl.write(f"{ts + 0.001:.6f}\t{uid}\t{client}\t{sport}\t{server}\t443\t{name}\n")
    for f in (conn, dns, ssl):
        f.write("#close\t2025-06-09-18-00-00\n")
