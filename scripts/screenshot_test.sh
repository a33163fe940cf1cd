#!/usr/bin/env bash
# Runs the real window under Xvfb with --screenshot and checks the PNG: right size, not blank.
# Usage: scripts/screenshot_test.sh [CAPTURE] [BINARY]
# Needs xvfb-run and ImageMagick (scripts/deps.sh test installs them).
set -euo pipefail

capture="${1:-samples/icloud.pcap}"
binary="${2:-${CARGO_TARGET_DIR:-target}/debug/whohosts}"
out="$(mktemp -d)/whohosts-screenshot.png"

fail() { echo "screenshot test: $*" >&2; exit 1; }
[ -f "$capture" ] || fail "no capture at $capture"
[ -x "$binary" ] || fail "no binary at $binary (cargo build first)"

# Rendering goes through Mesa's software rasteriser; give it up to a minute.
timeout 60 xvfb-run -a -s "-screen 0 1400x900x24" "$binary" "$capture" --screenshot "$out" \
  || fail "whohosts exited with an error"
[ -s "$out" ] || fail "no PNG written"

size="$(identify -format '%w %h' "$out")"
read -r width height <<<"$size"
[ "$width" -ge 700 ] && [ "$height" -ge 450 ] || fail "PNG is only ${width}x${height}"
# A blank (single-colour) window has no spread in its pixel values.
spread="$(convert "$out" -colorspace Gray -format '%[fx:standard_deviation]' info:)"
awk -v s="$spread" 'BEGIN { exit !(s > 0.02) }' || fail "PNG looks blank (standard deviation $spread)"
echo "screenshot test: ok (${width}x${height}, spread $spread): $out"
