#!/usr/bin/env bash
# Installs (or removes) whohosts with its desktop entry, icons, MIME types, man pages and shell
# completions under $DESTDIR$PREFIX. `make install` / `make uninstall` call it.
# Usage: scripts/install.sh install|uninstall
# Environment: PREFIX (default ~/.local), DESTDIR (staging root for packagers; the desktop and
# MIME databases are then left to the package), BINARY (default target/release/whohosts).
set -euo pipefail
cd "$(dirname "$0")/.."

action="${1:-install}"
prefix="${PREFIX:-$HOME/.local}"
destdir="${DESTDIR:-}"
binary="${BINARY:-${CARGO_TARGET_DIR:-target}/release/whohosts}"
root="$destdir$prefix"
share="$root/share"
icon_sizes=(16 24 32 48 64 128 256)

# Every installed file, relative to $root (the binary and man pages are handled apart).
data_files=(
  share/applications/whohosts.desktop
  share/mime/packages/whohosts.xml
  share/icons/hicolor/scalable/apps/whohosts.svg
  share/bash-completion/completions/whohosts
  share/zsh/site-functions/_whohosts
  share/fish/vendor_completions.d/whohosts.fish
)
for size in "${icon_sizes[@]}"; do
  data_files+=("share/icons/hicolor/${size}x${size}/apps/whohosts.png")
done

# Rebuilds the desktop, MIME and icon caches of the prefix, when the tools are there; a
# packager's DESTDIR staging leaves that to the package's own triggers.
refresh_databases() {
  [ -z "$destdir" ] || return 0
  if command -v update-mime-database >/dev/null && [ -d "$share/mime/packages" ]; then
    update-mime-database "$share/mime" >/dev/null 2>&1 || echo "install: update-mime-database failed (ignored)" >&2
  fi
  if command -v update-desktop-database >/dev/null && [ -d "$share/applications" ]; then
    update-desktop-database -q "$share/applications" 2>/dev/null || true
  fi
  if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$share/icons/hicolor" 2>/dev/null || true
  fi
}

case "$action" in
  install)
    [ -x "$binary" ] || { echo "install: no binary at $binary (run make build first)" >&2; exit 1; }
    generated="$(mktemp -d)"
    trap 'rm -rf "$generated"' EXIT
    "$binary" generate all "$generated"

    install -Dm755 "$binary" "$root/bin/whohosts"
    # Desktop sessions often lack ~/.local/bin in PATH: start the binary by its full path.
    install -d "$share/applications"
    sed "s|^Exec=whohosts |Exec=$prefix/bin/whohosts |" assets/desktop/whohosts.desktop >"$share/applications/whohosts.desktop"
    chmod 644 "$share/applications/whohosts.desktop"
    install -Dm644 assets/desktop/whohosts.xml "$share/mime/packages/whohosts.xml"
    install -Dm644 assets/desktop/icons/hicolor/scalable/apps/whohosts.svg "$share/icons/hicolor/scalable/apps/whohosts.svg"
    for size in "${icon_sizes[@]}"; do
      dir="icons/hicolor/${size}x${size}/apps"
      install -Dm644 "assets/desktop/$dir/whohosts.png" "$share/$dir/whohosts.png"
    done
    install -d "$share/man/man1"
    install -m644 "$generated"/man1/*.1 "$share/man/man1/"
    install -Dm644 "$generated/completions/whohosts.bash" "$share/bash-completion/completions/whohosts"
    install -Dm644 "$generated/completions/_whohosts" "$share/zsh/site-functions/_whohosts"
    install -Dm644 "$generated/completions/whohosts.fish" "$share/fish/vendor_completions.d/whohosts.fish"
    refresh_databases
    echo "installed $root/bin/whohosts (with desktop entry, icons, MIME types, man pages, completions)"
    case ":$PATH:" in
      *":$prefix/bin:"*) ;;
      *) echo "note: $prefix/bin is not in PATH; add it, or run $prefix/bin/whohosts" ;;
    esac
    ;;
  uninstall)
    rm -f "$root/bin/whohosts" "$share"/man/man1/whohosts.1 "$share"/man/man1/whohosts-*.1
    for file in "${data_files[@]}"; do rm -f "${root:?}/$file"; done
    refresh_databases
    echo "removed whohosts from $root"
    ;;
  *)
    echo "usage: $0 install|uninstall" >&2
    exit 2
    ;;
esac
