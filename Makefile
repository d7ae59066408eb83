# Haven: the two commands a new machine needs are `make demo` and `make test`.
SWIFT ?= swift
SCRATCH ?= .build

.PHONY: demo test soak build release deps format lint clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build --scratch-path $(SCRATCH)

release: deps
	$(SWIFT) build -c release --scratch-path $(SCRATCH)

## Create a throwaway vault with fake people and walk the main job end to end.
demo: build
	HAVEN=$(SCRATCH)/debug/haven scripts/demo.sh

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
	$(SWIFT) format --in-place --recursive --configuration .swift-format Package.swift Sources Tests

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests

clean:
	rm -rf $(SCRATCH)
