#!/usr/bin/env bash
# Runs the real window under Xvfb with --screenshot at each of SIZES (--window-size) and
# checks each PNG: the asked-for size, not blank.
# Usage: scripts/screenshot_test.sh [CAPTURE] [BINARY]   (SIZES="800x600 1400x900" by default)
# Needs xvfb-run and ImageMagick (scripts/deps.sh test installs them).
set -euo pipefail

capture="${1:-samples/icloud.pcap}"
binary="${2:-${CARGO_TARGET_DIR:-target}/debug/whohosts}"
dir="$(mktemp -d)"

fail() { echo "screenshot test: $*" >&2; exit 1; }
[ -f "$capture" ] || fail "no capture at $capture"
[ -x "$binary" ] || fail "no binary at $binary (cargo build first)"

for size in ${SIZES:-800x600 1400x900}; do
  out="$dir/whohosts-$size.png"
  # Rendering goes through Mesa's software rasteriser; give it up to a minute.
  timeout 60 xvfb-run -a -s "-screen 0 ${size}x24" "$binary" "$capture" --window-size "$size" --screenshot "$out" \
    || fail "whohosts exited with an error at $size"
  [ -s "$out" ] || fail "no PNG written at $size"
  got="$(identify -format '%wx%h' "$out")"
  [ "$got" = "$size" ] || fail "asked for a ${size} window, the PNG is ${got}"
  # A blank (single-colour) window has no spread in its pixel values.
  spread="$(convert "$out" -colorspace Gray -format '%[fx:standard_deviation]' info:)"
  awk -v s="$spread" 'BEGIN { exit !(s > 0.02) }' || fail "PNG looks blank at $size (standard deviation $spread)"
  echo "screenshot test: ok (${got}, spread $spread): $out"
done
