#!/usr/bin/env bash
# Live-capture benchmark (part of `make bench`): blasts small UDP datagrams over loopback at
# RATE packets/s while `whohosts report --live lo` captures, then prints what was sent, what
# whohosts analysed, the drops (kernel buffer = whohosts too slow, interface) and whohosts'
# CPU time per packet, then the frame time of the app capturing the same traffic. Targets:
# at least 500,000 packets/s analysed with no drops; frames under 16 ms while capturing.
# Needs root (or cap_net_raw) and release builds of whohosts and examples/blast_udp.
# Only loopback traffic is sent.
set -euo pipefail
cd "$(dirname "$0")/.."

release=${RELEASE_DIR:-${CARGO_TARGET_DIR:-target}/release}
rate=${BENCH_LIVE_RATE:-800000}
seconds=${BENCH_LIVE_SECONDS:-4}
capture_seconds=$((seconds + 2))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/time -o "$tmp/time" -f "%U %S" \
  "$release/whohosts" report --live lo --filter udp --duration "${capture_seconds}s" --json \
  > "$tmp/report.json" 2> "$tmp/stderr" &
whohosts_pid=$!
# Start sending once whohosts says it is capturing.
for _ in $(seq 1 100); do
  grep -q "capturing on" "$tmp/stderr" 2>/dev/null && break
  sleep 0.1
done
sent_line=$("$release/examples/blast_udp" "$rate" "$seconds" 64)
wait "$whohosts_pid" || { cat "$tmp/stderr" >&2; exit 1; }

python3 - "$tmp/report.json" "$tmp/time" "$sent_line" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
user, system = (float(x) for x in open(sys.argv[2]).read().split()[-2:])
sent_line = sys.argv[3]
sent = int(sent_line.split()[1])
sent_rate = float(sent_line.split("(")[1].split("/")[0])
live = report["live"]
s = live["stats"]
cpu = user + system
print(f"generator:  {sent_line}")
print(f"whohosts:   analysed {s['analysed']} packets in {live['seconds']:.1f} s of capture")
# On loopback the kernel counts each packet twice (outgoing and incoming copy); libpcap
# passes one of them on.
print(f"kernel:     received {s['received']} (each loopback packet counts twice), "
      f"dropped {s['dropped']} (whohosts too slow), interface dropped {s['if_dropped']}")
lost = max(sent - s["analysed"], 0)
print(f"lost between generator and analysis: {lost}")
capacity = s["analysed"] / cpu if cpu > 0 else float("inf")
print(f"whohosts CPU: {cpu:.2f} s for {s['analysed']} packets = {capacity:,.0f} packets per CPU-second "
      f"(capture + analysis)")
keeps_up = s["dropped"] == 0 and lost == 0
print(f"at {sent_rate:,.0f} packets/s offered: {'no drops' if keeps_up else 'DROPS'}"
      + ("" if sent_rate >= 500000 else " (the generator did not reach 500,000/s on this machine; "
         "see packets per CPU-second for the analysis' capacity)"))
print(f"target (>= 500,000 packets/s, no drops): {'met' if keeps_up and sent_rate >= 500000 else 'NOT shown by this run'}")
EOF

echo "== the app while capturing: frame time (headless), the same generator at $rate frames/s"
"$release/examples/bench_live_frames" "$rate" "$seconds"
