#!/usr/bin/env bash
# Builds target/debian/whohosts_VERSION_ARCH.deb with cargo-deb from an existing release build:
# generates the man pages (gzipped, as Debian wants them) and completions next to the binary,
# where Cargo.toml's [package.metadata.deb] assets expect them. `make deb` calls it.
# Usage: scripts/deb.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${1:-${CARGO_TARGET_DIR:-target}/release/whohosts}"
[ -x "$binary" ] || { echo "deb: no binary at $binary (run make build first)" >&2; exit 1; }
generated="$(dirname "$binary")/generated"
rm -rf "$generated"
"$binary" generate all "$generated"
gzip -9n "$generated"/man1/*.1
cargo deb --no-build --locked
