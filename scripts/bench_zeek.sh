#!/usr/bin/env bash
# `make bench`, part 2: Zeek logs and many captures, each against its reference in the same run.
#  1. `whohosts report --json` over a deterministic Zeek log set (ZEEK_LINES conn.log lines,
#     default 1,000,000, with dns/ssl logs; made once in bench-data/zeek/) against DuckDB's
#     read_csv of the same conn.log computing per-responder byte sums. Targets: no slower
#     than DuckDB, peak RSS <= 200 MB.
#  2. The first ROTATE_PACKETS packets of the benchmark capture cut into 100 rotated files
#     (editcap) read as one, against the same packets in one file. Target: within 1.1x.
set -euo pipefail
cd "$(dirname "$0")/.."
release=${RELEASE_DIR:-${CARGO_TARGET_DIR:-target}/release}
lines=${ZEEK_LINES:-1000000}
logs=bench-data/zeek-$lines
[ -f "$logs/conn.log" ] || { echo "making $logs ..."; python3 scripts/make_zeek_bench.py "$logs" "$lines"; }

# measure NAME CMD...: prints "NAME microseconds peak_kb" (time's own %e has 10 ms steps,
# too coarse for runs of a few tenths of a second); output of CMD is discarded.
measure() {
  local name=$1; shift
  local stats; stats=$(mktemp)
  local start end
  start=$(date +%s%N)
  /usr/bin/time -o "$stats" -f "%M" "$@" > /dev/null 2>&1
  end=$(date +%s%N)
  echo "$name $(( (end - start) / 1000 )) $(tail -n 1 "$stats")"; rm -f "$stats"
}

duckdb_sums() {
  python3 - "$1" <<'PY'
import duckdb, sys
duckdb.sql(f"""select "id.resp_h", sum(orig_ip_bytes + resp_ip_bytes) from read_csv('{sys.argv[1]}/conn.log',
  delim='\t', comment='#', header=false, nullstr='-', names=['ts','uid','id.orig_h','id.orig_p','id.resp_h',
  'id.resp_p','proto','service','duration','orig_bytes','resp_bytes','conn_state','local_orig','local_resp',
  'missed_bytes','history','orig_pkts','orig_ip_bytes','resp_pkts','resp_ip_bytes','tunnel_parents'])
  group by 1""").fetchall()
PY
}
export -f duckdb_sums

cat "$logs"/*.log > /dev/null
echo "== Zeek logs: $logs ($(du -sh "$logs" | cut -f1), $lines conn.log lines)"
{
  for _ in 1 2 3; do
    measure whohosts_zeek "$release/whohosts" report --json "$logs"
    measure duckdb_conn bash -c "duckdb_sums $logs"
  done
} | awk '!($1 in s) || $2 < s[$1] { s[$1] = $2 } $3 > m[$1] { m[$1] = $3 }
  END { for (n in s) printf "%-16s %8.3f s %8.1f MB\n", n, s[n] / 1e6, m[n] / 1024
        printf "whohosts vs DuckDB: %.2fx the time (target: at most 1x); whohosts peak RSS %.0f MB (target: at most 200 MB)\n", s["whohosts_zeek"] / s["duckdb_conn"], m["whohosts_zeek"] / 1024 }'

capture=${BENCH_CAPTURE:-bench-data/bench.pcap}
if [ ! -f "$capture" ] || ! command -v editcap > /dev/null; then
  echo "== many captures: skipped ($capture or editcap missing)"; exit 0
fi
# The first ROTATE_PACKETS packets of the benchmark capture (a few hundred MB, not a second
# copy of the whole file), once as one file and once cut into 100 rotated files.
packets=${ROTATE_PACKETS:-500000}
rotated=bench-data/rotated-$packets
if [ ! -f "$rotated/done" ]; then
  rm -rf "$rotated"; mkdir -p "$rotated/parts"
  editcap -r "$capture" "$rotated/one.pcap" "1-$packets"
  editcap -c $(( (packets + 99) / 100 )) "$rotated/one.pcap" "$rotated/parts/part.pcap"
  touch "$rotated/done"
fi
cat "$rotated/one.pcap" "$rotated"/parts/*.pcap > /dev/null
echo "== many captures: $(ls "$rotated"/parts/*.pcap | wc -l) rotated files vs one file of the same $packets packets ($(du -sh "$rotated/one.pcap" | cut -f1))"
{
  for _ in 1 2 3 4 5; do
    measure one_file "$release/whohosts" report --json "$rotated/one.pcap"
    measure rotated "$release/whohosts" report --json "$rotated/parts"
  done
} | awk '!($1 in s) || $2 < s[$1] { s[$1] = $2 } $3 > m[$1] { m[$1] = $3 }
  END { for (n in s) printf "%-16s %8.3f s %8.1f MB\n", n, s[n] / 1e6, m[n] / 1024
        printf "rotated vs one file: %.2fx the time (target: at most 1.1x)\n", s["rotated"] / s["one_file"] }'
