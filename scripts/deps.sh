#!/usr/bin/env bash
# Installs the Debian packages whohosts needs to build, test and run, when missing.
# Idempotent and quiet: prints nothing when everything is already there.
# Usage: scripts/deps.sh build|test|bench|install-test
set -euo pipefail

need=(pkg-config libpcap-dev)
case "${1:-build}" in
  build) ;;
  test) need+=(xvfb xauth imagemagick librsvg2-bin mesa-vulkan-drivers libgl1-mesa-dri libgl1 libegl1 libxkbcommon-x11-0 tcpdump iproute2 util-linux python3 openssl curl tshark
        desktop-file-utils xdg-utils shared-mime-info man-db bsdextrautils) ;;
  bench) need+=(tshark time python3 xvfb libgl1-mesa-dri libgl1 libegl1 libxkbcommon-x11-0) ;;
  install-test) need+=(desktop-file-utils xdg-utils shared-mime-info man-db bsdextrautils) ;;
  *) echo "usage: $0 build|test|bench|install-test" >&2; exit 2 ;;
esac

missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The Parquet hand-off test reads the exported tables back with DuckDB's Python package.
python_duckdb() {
  command -v python3 >/dev/null || return 0
  python3 -c "import duckdb" 2>/dev/null && return 0
  echo "installing: python duckdb (pip --user)" >&2
  python3 -m pip install --user -q duckdb 2>/dev/null || python3 -m pip install --user -q --break-system-packages duckdb
}

if [ ${#missing[@]} -eq 0 ]; then
  case "${1:-build}" in test|bench) python_duckdb ;; esac
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
case "${1:-build}" in test|bench) python_duckdb ;; esac
