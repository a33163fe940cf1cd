# whohosts: the two commands are `make run` and `make test`; both install what they need.
CARGO ?= cargo
SAMPLE ?= samples/icloud.pcap
# Installation (make install / uninstall / deb / install-test): see scripts/install.sh.
PREFIX ?= $(HOME)/.local
DESTDIR ?=
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BINARY := $(TARGET_DIR)/release/whohosts

.PHONY: run test bench build clean stress fuzz install uninstall deb install-test

run: build
	$(BINARY) $(SAMPLE)

build:
	@scripts/deps.sh build
	@[ -x $(BINARY) ] || echo "whohosts: the first build takes a few minutes (about 10 on 2 cores); later ones seconds." >&2
	$(CARGO) build --release --locked

test:
	@scripts/deps.sh test
	$(CARGO) fmt --check
	python3 scripts/check_layers.py
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	NODEVICE_SELECT=1 $(CARGO) test --locked --workspace
	scripts/screenshot_test.sh $(SAMPLE) target/debug/whohosts
	scripts/deb.sh --dev target/debug/whohosts
	scripts/install_test.sh target/debug/whohosts

bench:
	@scripts/deps.sh bench
	$(CARGO) build --release --locked --workspace --bins --examples
	$(CARGO) build --release --locked -p whohosts-core --examples
	scripts/bench.sh
	scripts/bench_zeek.sh
	scripts/bench_live.sh

# Hostile captures (cut, broken headers, floods, parser traps): peak RSS per file, < 500 MB.
stress:
	@scripts/deps.sh bench
	scripts/stress.sh

# Every fuzz target for FUZZ_SECONDS each (default 600), one at a time (FUZZ_JOBS); needs nightly.
FUZZ_SECONDS ?= 600
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

clean:
	$(CARGO) clean

# The binary, desktop entry, icons, MIME types, man pages and completions under $(DESTDIR)$(PREFIX).
install: build
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" BINARY="$(BINARY)" scripts/install.sh install

uninstall:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh uninstall

# target/debian/whohosts_*.deb with cargo-deb (installed on first use), man pages and completions.
deb: build
	scripts/deb.sh "$(BINARY)"

# A fresh-prefix install and the .deb, each checked as a user would (slow: builds release).
install-test: deb
	@scripts/deps.sh install-test
	scripts/install_test.sh "$(BINARY)"
