#!/usr/bin/env bash
# Checks the installation as a user meets it: `scripts/install.sh` into a fresh prefix (binary
# runs, desktop entry valid, man pages render, .pcap/.pcapng open in whohosts, uninstall leaves
# nothing), then the newest .deb in target/debian (installs with apt-get, runs, removes).
# Usage: scripts/install_test.sh [--no-deb] [BINARY]
#   `make install-test` builds the release binary and its .deb first and checks both; `make test`
#   checks its debug binary and a .deb of it (`scripts/deb.sh --dev`, same package layout).
# Needs desktop-file-utils, xdg-utils, shared-mime-info, man-db; the .deb part needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

with_deb=1
if [ "${1:-}" = "--no-deb" ]; then
  with_deb=0
  shift
fi
binary="${1:-${CARGO_TARGET_DIR:-target}/release/whohosts}"
deb_dir="${CARGO_TARGET_DIR:-target}/debian"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

fail() { echo "install test: FAIL: $*" >&2; exit 1; }
step() { echo "install test: $*"; }

# --- a fresh prefix -------------------------------------------------------------------------
PREFIX="$prefix" BINARY="$binary" scripts/install.sh install >"$work/install.log" || fail "install: $(cat "$work/install.log")"
version="$("$prefix/bin/whohosts" --version)" || fail "$prefix/bin/whohosts --version"
step "installed: $version"

desktop-file-validate "$prefix/share/applications/whohosts.desktop" || fail "desktop-file-validate"
step "desktop entry valid"

for page in "$prefix"/share/man/man1/whohosts*.1; do
  text="$(MANWIDTH=100 man -l "$page" 2>"$work/man.err" | col -b)" || fail "man -l $page"
  [ ! -s "$work/man.err" ] || fail "man -l $page warns: $(cat "$work/man.err")"
  grep -q "SYNOPSIS" <<<"$text" || fail "no SYNOPSIS in $page"
done
text="$(MANWIDTH=100 man -l "$prefix/share/man/man1/whohosts.1" | col -b)"
grep -q "whohosts report" <<<"$text" && grep -q "EXAMPLES" <<<"$text" || fail "whohosts.1 lacks its examples"
step "man pages render: $(cd "$prefix/share/man/man1" && echo *.1)"

for file in bash-completion/completions/whohosts zsh/site-functions/_whohosts fish/vendor_completions.d/whohosts.fish; do
  [ -s "$prefix/share/$file" ] || fail "no completion at share/$file"
done
bash -c "source '$prefix/share/bash-completion/completions/whohosts' && complete -p whohosts" >/dev/null \
  || fail "the bash completion does not load"
step "completions for bash, zsh and fish"

# Only the installed data: no desktop's own settings, no user's defaults.
xdg() {
  env -i PATH="$PATH" HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_CONFIG_DIRS="$work/config" \
    XDG_DATA_HOME="$prefix/share" XDG_DATA_DIRS="$prefix/share:/usr/share" "$@"
}
mkdir -p "$work/home" "$work/config"
for type in application/vnd.tcpdump.pcap application/x-pcapng; do
  handler="$(xdg xdg-mime query default "$type")"
  [ "$handler" = "whohosts.desktop" ] || fail "xdg-mime query default $type gives '$handler'"
done
grep -q "^application/x-pcapng" "$prefix/share/mime/globs2" 2>/dev/null || grep -q "pcapng" "$prefix/share/mime/globs" \
  || fail "the MIME database of the prefix does not know *.pcapng"
step "xdg-mime query default application/vnd.tcpdump.pcap and application/x-pcapng: whohosts.desktop"

PREFIX="$prefix" scripts/install.sh uninstall >/dev/null
left="$(find "$prefix" -type f ! -path "$prefix/share/mime/*" ! -name mimeinfo.cache ! -name icon-theme.cache)"
[ -z "$left" ] || fail "uninstall left: $left"
step "uninstall removes every file"
if [ "$with_deb" -eq 0 ]; then
  step "ok (without the .deb: make install-test checks it)"
  exit 0
fi

# --- the .deb ----------------------------------------------------------------------------------
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
debs=("$deb_dir"/whohosts_*.deb)
[ -f "${debs[0]}" ] || fail "no .deb in $deb_dir (make deb)"
deb="$(realpath "$(ls -t "${debs[@]}" | head -n 1)")"
dpkg-deb -f "$deb" Depends | grep -q "libpcap0.8" || fail "$deb does not depend on libpcap0.8"
if dpkg-query -W -f='${Status}' whohosts 2>/dev/null | grep -q "install ok installed"; then
  fail "a whohosts package is already installed; remove it first (apt-get remove whohosts)"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 || fail "apt-get install ./$deb: $(tail -n 5 "$work/apt.log")"
installed="$(/usr/bin/whohosts --version)" || fail "whohosts --version after installing the .deb"
/usr/bin/whohosts report samples/icloud.pcap --top 1 >/dev/null || fail "whohosts report after installing the .deb"
dpkg -L whohosts | grep -q "/usr/share/man/man1/whohosts.1.gz" || fail "the .deb has no man page"
desktop-file-validate /usr/share/applications/whohosts.desktop || fail "desktop-file-validate on the .deb's entry"
$sudo apt-get remove -y -qq whohosts >"$work/apt.log" 2>&1 || fail "apt-get remove whohosts: $(tail -n 5 "$work/apt.log")"
step "$(basename "$deb") ($(du -k "$deb" | cut -f1) kB) installs with apt-get, runs ($installed), removes"
step "ok"
