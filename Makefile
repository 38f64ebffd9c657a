# Gatehouse: two commands on a fresh machine — `make demo` and `make test`.
SWIFT ?= swift
BENCH_ARGS ?=

.PHONY: all deps build test demo bench chaos fuzz check-config clean

all: build

## Installs the Debian packages Gatehouse needs (idempotent; apt-get update only when needed).
deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

## Everything, green: unit and end-to-end tests against a private mosquitto on a free loopback
## port (started here, stopped even when tests fail), the short forms of `make fuzz` (libFuzzer 5 s per
## target, schemathesis 10 cases per operation), plus the broker ACL example check.
test: deps
	@scripts/run-tests.sh

## The embedded default: mosquitto from ./mosquitto.conf, SQLite under ./data, every adapter
## against its simulator, the traffic printed. Ctrl-C stops it.
demo: deps
	$(SWIFT) build --product gatehouse
	$(SWIFT) run --skip-build gatehouse demo $(DEMO_ARGS)

## Benchmarks (release build): results in bench/results/, summary in docs/performance.md.
bench: deps
	$(SWIFT) build -c release --product gatehouse-bench
	$(SWIFT) build -c release --product gatehouse
	@scripts/run-bench.sh $(BENCH_ARGS)

## Delivery under faults at full length: SIGKILL, SIGTERM and broker restarts under 500 crossings/s
## (CHAOS_ARGS="[faults] [seconds]", default 20 of each over 40 s); figures in bench/results/chaos-*.json.
chaos: deps
	@scripts/chaos.sh $(CHAOS_ARGS)

## Hostile input at full length (scripts/fuzz.sh; docs/architecture.md, "Fuzzing"): the FIAS codec property
## test (200,000 inputs; FUZZ_ARGS="[iterations] [seed]"), the request payload property test
## (PAYLOAD_PROPERTY_COUNT=5000 per property and type), libFuzzer over JSONParser and the FIAS decoder
## (FUZZ_SECONDS=600 each), schemathesis against docs/openapi/*.yaml (FUZZ_HTTP_CASES=500 per operation),
## and a slowloris of 2,000 sockets against a running bridge (scripts/slowloris.sh).
fuzz: deps
	@scripts/fuzz.sh

check-config: build
	$(SWIFT) run --skip-build gatehouse check-config $(CONFIG)

clean:
	rm -rf .build run data
