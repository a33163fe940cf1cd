#!/usr/bin/env bash
# `make stress`: builds release, writes the hostile capture set (examples/make_hostile, with
# the million-flow SYN flood), runs `whohosts report --json` on each file and prints its exit
# status, wall time and peak RSS. Range files in the set (*.txt, *.json) are loaded with
# `--ranges` over a sample instead. Fails if any run panics or peaks over STRESS_MAX_MB (500).
set -euo pipefail
cd "$(dirname "$0")/.."

release="${CARGO_TARGET_DIR:-target}/release"
dir="${HOSTILE_DIR:-target/hostile}"
max_mb="${STRESS_MAX_MB:-500}"

cargo build --release --locked --bin whohosts --example make_hostile
"$release/examples/make_hostile" "$dir" > /dev/null

status=0
printf '%-34s %10s %5s %8s %9s\n' file bytes exit seconds peak_MB
for file in "$dir"/*; do
    stats=$(mktemp)
    err=$(mktemp)
    code=0
    case "$file" in
        *.txt | *.json) args=(report --json samples/icloud.pcap --ranges "$file") ;;
        *) args=(report --json "$file") ;;
    esac
    /usr/bin/time -o "$stats" -f '%e %M' "$release/whohosts" "${args[@]}" > /dev/null 2> "$err" || code=$?
    read -r seconds peak_kb < <(tail -n 1 "$stats")
    peak_mb=$((peak_kb / 1024))
    shown=$(basename "$file" | cat -v)
    printf '%-34s %10s %5s %8s %9s\n' "$shown" "$(stat -c %s "$file")" "$code" "$seconds" "$peak_mb"
    # Exit 1 with a message naming the file is a refusal; anything else (101 = panic) is a bug.
    if [ "$code" -ne 0 ] && { [ "$code" -ne 1 ] || ! grep -qF "$(basename "$file")" "$err"; }; then
        echo "  unexpected failure: $(head -n 3 "$err")"
        status=1
    fi
    if [ "$peak_mb" -gt "$max_mb" ]; then
        echo "  over ${max_mb} MB"
        status=1
    fi
    rm -f "$stats" "$err"
done
exit "$status"
