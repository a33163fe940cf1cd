#!/usr/bin/env bash
# Runs every fuzz target for FUZZ_SECONDS (default 600), FUZZ_JOBS at a time (default 1, so
# each target has a whole core on a shared machine), from the committed seeds plus the corpus
# kept in fuzz/corpus/<target>, then prints target, seconds, execs, coverage, corpus and crashes. Needs the nightly toolchain; installs cargo-fuzz.
# FUZZ_TARGETS="dns tls" limits the run. Exits non-zero if any target crashed. Built optimised
# with debug assertions and overflow checks (-O -a): an overflow on hostile input is a bug too.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-600}"
jobs="${FUZZ_JOBS:-1}"
targets="${FUZZ_TARGETS:-decode ingest zeek dns tls quic http ranges reassembly text_out}"

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "fuzz: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

cargo +nightly fuzz build -O -a
mkdir -p fuzz/logs
run_one() {
    local target="$1" seconds="$2"
    mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
    # -rss_limit_mb: memory must stay bounded on any input; -timeout: no input may hang.
    if cargo +nightly fuzz run -O -a "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"fuzz/logs/$target.log" 2>&1; then
        echo "$target: clean"
    else
        echo "$target: FAILED (see fuzz/logs/$target.log and fuzz/artifacts/$target/)"
    fi
}
export -f run_one
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c "run_one {} $seconds"

status=0
printf '%-10s %7s %12s %7s %7s %7s %7s %7s %8s\n' \
    target seconds execs exec/s cov ft corpus rss_MB crashes
for target in $targets; do
    log="fuzz/logs/$target.log"
    stat() { grep -o "stat::$1: *[0-9]*" "$log" | grep -o '[0-9]*$' || echo '?'; }
    # libFuzzer's last status line ("#N DONE cov: C ft: F corp: N/size ...").
    last() { grep -o "$1: [0-9]*" "$log" | tail -n 1 | grep -o '[0-9]*$' || echo '?'; }
    # One artifact per crash, leak, timeout or out-of-memory.
    crashes=$(grep -c 'Test unit written to' "$log" || true)
    printf '%-10s %7s %12s %7s %7s %7s %7s %7s %8s\n' "$target" "$seconds" \
        "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "$(last cov)" \
        "$(last ft)" "$(find "fuzz/corpus/$target" -type f | wc -l)" "$(stat peak_rss_mb)" "$crashes"
    [ "$crashes" = 0 ] || status=1
done
exit "$status"
