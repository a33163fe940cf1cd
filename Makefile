# whohosts: the two commands are `make run` and `make test`; both install what they need.
CARGO ?= cargo
SAMPLE ?= samples/icloud.pcap

.PHONY: run test bench build clean stress fuzz

run: build
	./target/release/whohosts $(SAMPLE)

build:
	@scripts/deps.sh build
	$(CARGO) build --release --locked

test:
	@scripts/deps.sh test
	$(CARGO) fmt --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) test --locked --workspace
	scripts/screenshot_test.sh $(SAMPLE) target/debug/whohosts

bench:
	@scripts/deps.sh bench
	$(CARGO) build --release --locked --bins --examples
	$(CARGO) build --release --locked -p whohosts-core --examples
	scripts/bench.sh
	scripts/bench_live.sh

# Hostile captures (cut, broken headers, floods, parser traps): peak RSS per file, < 500 MB.
stress:
	@scripts/deps.sh bench
	scripts/stress.sh

# Every fuzz target for FUZZ_SECONDS each (default 600), two at a time; needs nightly.
FUZZ_SECONDS ?= 600
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

clean:
	$(CARGO) clean
