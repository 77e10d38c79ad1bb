# kzmap — see README.md. `make run` and `make test` are all a newcomer needs.
GO      ?= go
BIN     := bin/kzmap
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
GEOKZ   ?= ../shared/data/geokz/shp
ADDR    ?= 127.0.0.1:8080
DB      ?= data/kzmap.db
# Fuzz targets run for this long each in `make fuzz` (and briefly in `make test`).
FUZZTIME ?= 10s

export GEOKZ

.PHONY: all build run data test test-go test-integration fuzz bench clean

all: build

data/sources/.ok: data/fetch.sh data/geokz.sha256
	bash data/fetch.sh
	touch $@

data: data/sources/.ok

build: $(BIN)

$(BIN): FORCE
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/kzmap
FORCE:

run: data build
	./$(BIN) serve --addr $(ADDR) --db $(DB) --data data

# The whole suite, as CI runs it: unit, HTTP, store, reader and integration
# tests (the integration tests start the real binary and use GDAL's ogrinfo).
test: data
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

# Every fuzz target of every package, FUZZTIME each (the seed corpora also run in `make test`).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

# The peers first (PostGIS computing the same answers, nginx serving static
# files: ../shared/bench), then Go benchmarks, then kzmap's HTTP load runs
# (wrk on loopback, same settings); every figure and ratio lands in $(BENCH_OUT).
SHARED    ?= ../shared
BENCH_OUT ?= $(or $(TMPDIR),/tmp)/kzmap-bench/results
DURATION  ?= 10s
bench: data build
	OUT=$(BENCH_OUT) bash $(SHARED)/bench/postgis.sh
	OUT=$(BENCH_OUT) DURATION=$(DURATION) bash $(SHARED)/bench/nginx.sh
	$(GO) test -run '^$$' -bench . -benchmem ./geo/...
	KZMAP_BENCH=1 BENCH_OUT=$(BENCH_OUT) DURATION=$(DURATION) $(GO) test -count=1 -timeout 30m -run '^TestBench' -v ./cmd/kzmap

clean:
	rm -rf bin data/sources
