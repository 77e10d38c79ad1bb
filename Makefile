# kzmap — see README.md. `make run` and `make test` are all a newcomer needs.
GO      ?= go
BIN     := bin/kzmap
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
GEOKZ   ?= ../shared/data/geokz/shp
ADDR    ?= 127.0.0.1:8080
DB      ?= data/kzmap.db
# Fuzz targets run for this long each in `make fuzz` (`make test` runs their seed corpora).
FUZZTIME ?= 10s

export GEOKZ

.PHONY: all build run data test lint bench-scale test-go test-integration fuzz bench clean loadtest assets assets-check test-js

all: build

data/sources/.ok: data/fetch.sh data/geokz.sha256
	bash data/fetch.sh
	touch $@

data: data/sources/.ok

build: $(BIN)

# The web map (assets/): its bundle, assets/dist, is committed and embedded
# in the binary, so a plain `go build` serves the map. After changing
# assets/src, `make assets` rebuilds it (npm ci when package-lock.json
# changed, then esbuild); commit the result. `make test` fails when the
# committed bundle is not what the sources build.
assets/node_modules/.package-lock.json: assets/package-lock.json
	cd assets && npm ci --no-audit --no-fund
	touch $@
assets: assets/node_modules/.package-lock.json
	cd assets && node build.mjs
# Rebuilds into a temporary folder and compares it with assets/dist.
assets-check: assets/node_modules/.package-lock.json
	cd assets && node build.mjs --check
# The map's pure functions (permalink, days, grouping), with node's test runner.
test-js:
	cd assets && node --test test/*.test.mjs

$(BIN): FORCE
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/kzmap
FORCE:

run: data build
	./$(BIN) serve --addr $(ADDR) --db $(DB) --data data

# staticcheck, pinned; `go run pkg@version` fetches it (checksummed by the Go
# module proxy's sum database) without adding its dependencies to go.mod.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

# go vet and staticcheck: both must report nothing.
lint:
	$(GO) vet ./...
	$(STATICCHECK) ./...

# The whole suite, as CI runs it: the check that assets/dist is current, the
# web map's unit tests, lint, then unit, HTTP, store, reader and integration
# tests (the integration tests start the real binary and use GDAL's ogrinfo).
test: data assets-check test-js lint
	$(GO) test -count=1 -timeout 20m ./...

# Every fuzz target of every package, FUZZTIME each (the seed corpora also run in `make test`).
# Go 1.26's fuzzer can fail a run with a bare "context deadline exceeded" as
# FUZZTIME ends (golang/go#75804, fixed in Go 1.27): such a run, with no
# failing input written and no panic, is reported and not counted as a finding.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  list=$$($(GO) test -list '^Fuzz' $$pkg); \
	  for t in $$(echo "$$list" | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$t"; \
	    if out=$$($(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg 2>&1); then \
	      echo "$$out" | tail -n 1; \
	    else \
	      echo "$$out"; \
	      if echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -qE 'Failing input written|panic:'; then \
	        echo "fuzz: $$t: Go's end-of-fuzztime race (golang/go#75804), no failing input: not a finding"; \
	      else exit 1; fi; \
	    fi; \
	  done; \
	done

# The peers first (PostGIS computing the same answers, nginx serving static
# files: ../shared/bench), then Go benchmarks, then kzmap's HTTP load runs
# (wrk on loopback, same settings); every figure and ratio lands in $(BENCH_OUT).
SHARED    ?= ../shared
BENCH_OUT ?= $(or $(TMPDIR),/tmp)/kzmap-bench/results
DURATION  ?= 10s
bench: data
	OUT=$(BENCH_OUT) bash $(SHARED)/bench/postgis.sh
	OUT=$(BENCH_OUT) DURATION=$(DURATION) bash $(SHARED)/bench/nginx.sh
	BENCH_OUT=$(BENCH_OUT) $(GO) test -run '^$$' -bench . -benchmem ./geo/...
	KZMAP_BENCH=1 BENCH_OUT=$(BENCH_OUT) DURATION=$(DURATION) $(GO) test -count=1 -timeout 30m -run '^(TestBench|TestBrowserMap)' -v ./e2e

# The large workload (../shared/bench/gen-scale.py: 1,000,000 points and
# 100,000 polygons): PostGIS first (postgis-scale.sh), then kzmap on the same
# files in the same run (e2e TestBenchScale); figures and ratios to
# $(BENCH_OUT)/scale-summary.txt and kzmap-scale.txt.
SCALE ?= $(or $(TMPDIR),/tmp)/kzmap-bench/scale
bench-scale: data
	OUT=$(BENCH_OUT) SCALE=$(SCALE) bash $(SHARED)/bench/postgis-scale.sh
	KZMAP_BENCH_SCALE=1 SCALE=$(SCALE) BENCH_OUT=$(BENCH_OUT) $(GO) test -count=1 -timeout 90m -run '^TestBenchScale$$' -v ./e2e

# Mixed load on loopback for LOADTEST_DURATION (tiles, items, look-ups and
# search while features are created, replaced and deleted, with a change-stream
# follower): asserts zero errors and flat memory, reports req/s, read p99
# during writes, write-to-event latency and RSS; figures to $(BENCH_OUT)/loadtest.txt.
LOADTEST_DURATION ?= 60s
loadtest: data
	KZMAP_LOADTEST=1 LOADTEST_DURATION=$(LOADTEST_DURATION) BENCH_OUT=$(BENCH_OUT) \
	  $(GO) test -count=1 -timeout 3h -run '^TestLoad$$' -v ./e2e

clean:
	rm -rf bin data/sources assets/node_modules
