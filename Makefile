# Haven: the two commands a new machine needs are `make demo` and `make test`.
SWIFT ?= swift
SCRATCH ?= .build

.PHONY: demo test soak bench bench-stores build release deps format lint clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build --scratch-path $(SCRATCH)

release: deps
	$(SWIFT) build -c release --scratch-path $(SCRATCH)

## Create a throwaway vault with fake people and walk the main job end to end (STORE=postgres: on a
## throwaway PostgreSQL server it starts itself).
STORE ?= sqlite
demo: build
	HAVEN=$(SCRATCH)/debug/haven STORE=$(STORE) scripts/demo.sh

## The benchmark workloads on SQLite and PostgreSQL in one run, and 4 concurrent workstations (docs/performance.md).
bench-stores: deps
	scripts/bench-stores.sh $(BENCH_SURVIVORS) $(BENCH_OPS)

## Build everything and run every test (Swift Testing, real SQLite files, the real binary), then 5 s of each fuzz target.
test: deps
	$(SWIFT) build --build-tests --scratch-path $(SCRATCH)
	$(SWIFT) test --skip-build --scratch-path $(SCRATCH)
	scripts/fuzz.sh 5

## The fault suites at length (HAVEN_SOAK=1): 200 SIGKILL trials, 40 flips per column, 4 x 500 operations, 120 s per fuzz target (docs/reliability.md).
soak: deps
	$(SWIFT) build --build-tests --scratch-path $(SCRATCH)
	HAVEN_SOAK=1 $(SWIFT) test --skip-build --scratch-path $(SCRATCH) --filter "CrashSafety|TamperSweep|concurrentWriters"
	MERGE=1 scripts/fuzz.sh 120

format:
	$(SWIFT) format --in-place --recursive --configuration .swift-format Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Benchmarks

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Benchmarks

clean:
	rm -rf $(SCRATCH)

## The benchmark suite (docs/performance.md): release build, every workload beside its floor,
## a table at the end. BENCH_SIZES / BENCH_LOOKUP_SIZES change the sizes; BENCH_KEEP=1 keeps the
## prepared vaults between runs (a fresh run rebuilds them: most of its 47 minutes);
## BENCH_FILTER=REGEX runs only the benchmarks whose whole name it matches (e.g. "(2 read|3 lookup).*").
BENCH_CACHE ?= $(CURDIR)/.build-bench-cache
bench: SHELL := /bin/bash
BENCH_OUT ?= $(CURDIR)/.build-bench-results
bench: release
	@[ -n "$(BENCH_KEEP)" ] || rm -rf "$(BENCH_CACHE)"
	rm -rf "$(BENCH_OUT)" && mkdir -p "$(BENCH_OUT)" "$(BENCH_CACHE)"
	cd Benchmarks && set -o pipefail && HAVEN_BIN="$(CURDIR)/$(SCRATCH)/release/haven" HAVEN_SYNTH="$(CURDIR)/$(SCRATCH)/release/haven-synth" \
	  HAVEN_BENCH_CACHE="$(BENCH_CACHE)" $(if $(BENCH_SIZES),HAVEN_BENCH_SIZES="$(BENCH_SIZES)") \
	  $(if $(BENCH_LOOKUP_SIZES),HAVEN_BENCH_LOOKUP_SIZES="$(BENCH_LOOKUP_SIZES)") \
	  $(SWIFT) package --allow-writing-to-directory "$(BENCH_OUT)" --allow-writing-to-directory "$(BENCH_CACHE)" \
	  benchmark --format histogramSamples --path "$(BENCH_OUT)" --no-progress $(if $(BENCH_FILTER),--filter "$(BENCH_FILTER)") \
	  | grep -v '^Writing to '
	python3 scripts/bench-table.py "$(BENCH_OUT)" "$(BENCH_CACHE)"
