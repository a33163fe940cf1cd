#!/usr/bin/env bash
# Installs the Debian packages whohosts needs to build, test and run, when missing.
# Idempotent and quiet: prints nothing when everything is already there.
# Usage: scripts/deps.sh build|test|bench
set -euo pipefail

need=(pkg-config libpcap-dev)
case "${1:-build}" in
  build) ;;
  test) need+=(xvfb xauth imagemagick mesa-vulkan-drivers libgl1-mesa-dri libxkbcommon-x11-0 tcpdump iproute2 util-linux python3 openssl curl) ;;
  bench) need+=(tshark time python3 xvfb libgl1-mesa-dri libxkbcommon-x11-0) ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
