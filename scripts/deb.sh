#!/usr/bin/env bash
# Builds target/debian/whohosts_VERSION_ARCH.deb with cargo-deb from an existing release build:
# generates the man pages (gzipped, as Debian wants them) and completions next to the binary,
# where Cargo.toml's [package.metadata.deb] assets expect them. `make deb` calls it.
# Usage: scripts/deb.sh [--dev] [BINARY]
#   --dev packages the test build's binary (target/debug, quick gzip) so that `make test` can
#   check the package installs and runs without a release build; `make deb` packages the
#   release binary.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=(--profile release)
if [ "${1:-}" = "--dev" ]; then
  profile=(--profile dev --fast)
  shift
fi
binary="${1:-${CARGO_TARGET_DIR:-target}/release/whohosts}"
[ -x "$binary" ] || { echo "deb: no binary at $binary (run make build first)" >&2; exit 1; }
if ! cargo deb --version >/dev/null 2>&1; then
  echo "deb: installing cargo-deb (once, a few minutes)" >&2
  cargo install cargo-deb --locked --quiet
fi
generated="$(dirname "$binary")/generated"
rm -rf "$generated"
"$binary" generate all "$generated"
gzip -9n "$generated"/man1/*.1
cargo deb --no-build --locked "${profile[@]}"
