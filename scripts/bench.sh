#!/usr/bin/env bash
# `make bench`: times `whohosts report --json` on a large deterministic capture against
# tshark's conversation statistics and a bare libpcap read loop over the same file, in the
# same run, and prints the ratios and peak memory. The same packets as pcapng are timed
# too (target: at most 1.15x the pcap). The captures are made once, if absent.
# BENCH_FLOWS makes a smaller capture of the same mix (for a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."

capture=${BENCH_CAPTURE:-bench-data/bench.pcap}
capture_ng=${capture%.pcap}.pcapng
release=target/release
if [ ! -f "$capture" ]; then
  mkdir -p "$(dirname "$capture")"
  echo "making $capture (once; about 2.6 GB) ..."
  "$release/examples/make_bench" "$capture" ${BENCH_FLOWS:+"$BENCH_FLOWS"}
fi
if [ ! -f "$capture_ng" ] || [ "$capture_ng" -ot "$capture" ]; then
  echo "making $capture_ng from it (once) ..."
  "$release/examples/pcap_to_pcapng" "$capture" "$capture_ng"
fi

# measure NAME CMD...: prints "NAME seconds peak_kb"; output of CMD is discarded.
measure() {
  local name=$1; shift
  local stats_file
  stats_file=$(mktemp)
  /usr/bin/time -o "$stats_file" -f "%e %M" "$@" > /dev/null 2>&1
  echo "$name $(tail -n 1 "$stats_file")"
  rm -f "$stats_file"
}

# Shared virtual machines are noisy: the fast runs are measured ROUNDS times, interleaved,
# and the fastest time of each is kept (peak memory: the largest).
ROUNDS=${BENCH_ROUNDS:-5}

echo "== range data: start-up and lookups"
"$release/examples/bench_lookup"
echo
echo "== reading $capture"
echo "warming the page cache ..."
cat "$capture" "$capture_ng" > /dev/null
frames=$("$release/examples/pcap_read_loop" "$capture")
echo "capture: $capture ($(du -h "$capture" | cut -f1), $frames)"

results=$(
  for _ in $(seq "$ROUNDS"); do
    measure read_loop "$release/examples/pcap_read_loop" "$capture"
    measure read_loop_1mb "$release/examples/pcap_read_loop" --big-buffer "$capture"
    measure whohosts "$release/whohosts" report --json "$capture"
    measure flows_only "$release/whohosts" report --json --no-names --no-ranges "$capture"
    measure whohosts_pcapng "$release/whohosts" report --json "$capture_ng"
    measure core_pcap "$release/examples/read_capture" "$capture"
    measure core_pcapng "$release/examples/read_capture" "$capture_ng"
  done
  measure tshark tshark -n -q -r "$capture" -z conv,tcp -z conv,udp
)
# The window: what opening the capture costs it (--screenshot saves the drawn window once
# the capture is read, then quits), beyond what opening the small sample costs (window,
# GL and fonts), against the CLI report's time and memory. Needs Xvfb; one server for all.
window_results=""
if command -v Xvfb > /dev/null; then
  shot_dir=$(mktemp -d)
  Xvfb :97 -screen 0 1280x800x24 > /dev/null 2>&1 &
  xvfb_pid=$!
  sleep 1
  window_results=$(
    for _ in $(seq "${BENCH_WINDOW_ROUNDS:-3}"); do
      DISPLAY=:97 measure window_sample "$release/whohosts" samples/icloud.pcap --window-size 1280x800 --screenshot "$shot_dir/s.png"
      DISPLAY=:97 measure window_bench "$release/whohosts" "$capture" --window-size 1280x800 --screenshot "$shot_dir/b.png"
    done
  )
  kill "$xvfb_pid"
  rm -rf "$shot_dir"
fi

echo "== the app: frame time with the benchmark capture loaded (headless)"
"$release/examples/bench_frames" "$capture"
echo

echo "$results" | awk '
  !($1 in secs) || $2 < secs[$1] { secs[$1] = $2 }
  $3 > rss[$1] { rss[$1] = $3 }
  { round[$1, seen[$1]++] = $2 }
  # Median over the rounds of a/b within each round: the two runs of a round are back to
  # back, so drift in the machine speed mostly cancels.
  function paired_median(a, b,    i, j, n, r, t) {
    n = seen[a] < seen[b] ? seen[a] : seen[b]
    for (i = 0; i < n; i++) r[i] = round[a, i] / round[b, i]
    for (i = 1; i < n; i++) for (j = i; j > 0 && r[j - 1] > r[j]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
    return n % 2 ? r[int(n / 2)] : (r[n / 2 - 1] + r[n / 2]) / 2
  }
  END {
    printf "%-14s %10s %12s\n", "run", "seconds", "peak RSS MB"
    for (n in secs) printf "%-14s %10.2f %12.1f\n", n, secs[n], rss[n] / 1024
    printf "\nwhohosts vs bare libpcap read loop: %.2fx the time (target: at most 2x)\n", secs["whohosts"] / secs["read_loop"]
    printf "whohosts vs the same loop with whohosts%s 1 MB read buffer: %.2fx the time\n", "\047", secs["whohosts"] / secs["read_loop_1mb"]
    printf "tshark vs whohosts: whohosts is %.1fx faster (target: at least 30x)\n", secs["tshark"] / secs["whohosts"]
    printf "names + attribution add %.0f%% to the report (median of the rounds; fastest runs: %.2f s vs %.2f s flows only, %.0f%%; target: at most 25%%)\n", (paired_median("whohosts", "flows_only") - 1) * 100, secs["whohosts"], secs["flows_only"], (secs["whohosts"] / secs["flows_only"] - 1) * 100
    printf "whohosts vs bare read loop, median of the rounds: %.2fx\n", paired_median("whohosts", "read_loop")
    printf "whohosts peak RSS: %.0f MB (target: at most 150 MB); tshark: %.0f MB\n", rss["whohosts"] / 1024, rss["tshark"] / 1024
    printf "pcapng vs pcap, same packets: report %.2fx the time (median of the rounds; fastest runs %.2f s vs %.2f s), core read path %.2fx (target: at most 1.15x)\n", paired_median("whohosts_pcapng", "whohosts"), secs["whohosts_pcapng"], secs["whohosts"], paired_median("core_pcapng", "core_pcap")
  }'
if [ -n "$window_results" ]; then
  printf "%s\n%s\n" "$results" "$window_results" | awk '
    !($1 in secs) || $2 < secs[$1] { secs[$1] = $2 }
    $3 > rss[$1] { rss[$1] = $3 }
    END {
      printf "\nwindow (--screenshot): benchmark capture %.2f s / %.0f MB, samples/icloud.pcap %.2f s / %.0f MB\n", secs["window_bench"], rss["window_bench"] / 1024, secs["window_sample"], rss["window_sample"] / 1024
      printf "window cost of opening the capture vs report --json: %.2fx the time (target: at most 1.5x), %.2fx the peak memory (target: at most 2x)\n", (secs["window_bench"] - secs["window_sample"]) / secs["whohosts"], (rss["window_bench"] - rss["window_sample"]) / rss["whohosts"]
    }'
fi
