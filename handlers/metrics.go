package handlers

import (
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kzmap/geo"
	"kzmap/geo/tiles"
)

// metrics are one server's Prometheus collectors, in a registry of its own
// (never the global default), so that two servers in one process — tests
// do that — count apart.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec   // route, method, status
	duration    *prometheus.HistogramVec // route, method, status
	inFlight    prometheus.Gauge
	rateLimited prometheus.Counter
	writes      *prometheus.CounterVec // collection, op
	series      sync.Map               // seriesKey → *series
}

// latencyBuckets span a cached tile (well under a millisecond) to a full
// page of districts (a second or more).
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func newMetrics(store geo.Store, cache func() *tiles.Cache) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kzmap_http_requests_total",
			Help: "HTTP requests answered, by route template, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kzmap_http_request_duration_seconds",
			Help:    "Time from receiving a request to its answer written, by route template, method and status.",
			Buckets: latencyBuckets,
		}, []string{"route", "method", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kzmap_http_requests_in_flight",
			Help: "Requests being served.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kzmap_http_rate_limited_total",
			Help: "Requests refused with 429 by the per-client rate limit.",
		}),
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kzmap_writes_total",
			Help: "Features written through the API, by collection and operation (create, replace, delete).",
		}, []string{"collection", "op"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.inFlight, m.rateLimited, m.writes,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		storeCollector{store},
	)
	if cache != nil {
		m.reg.MustRegister(tileCacheCollector{cache})
	}
	return m
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		// A failing collector must not turn /metrics into a 500: serve
		// what could be gathered.
		ErrorHandling: promhttp.ContinueOnError,
	}))
}

// countWrite counts one feature written through the API; op is "create",
// "replace" or "delete". The write handlers call it after a write succeeded.
func (s *server) countWrite(collection, op string) {
	if s.metrics != nil {
		s.metrics.writes.WithLabelValues(collection, op).Inc()
	}
}

var (
	descFeatures = prometheus.NewDesc("kzmap_collection_features",
		"Features in each collection of the store.", []string{"collection"}, nil)
	descCollections = prometheus.NewDesc("kzmap_collections",
		"Collections in the store.", nil, nil)
)

// storeCollector reads the store's sizes at scrape time, so that they are
// never stale after a write and cost nothing between scrapes.
type storeCollector struct{ store geo.Store }

func (sc storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descFeatures
	ch <- descCollections
}

func (sc storeCollector) Collect(ch chan<- prometheus.Metric) {
	if sc.store == nil {
		return
	}
	cols := sc.store.Collections()
	ch <- prometheus.MustNewConstMetric(descCollections, prometheus.GaugeValue, float64(len(cols)))
	for _, c := range cols {
		ch <- prometheus.MustNewConstMetric(descFeatures, prometheus.GaugeValue, float64(c.Count), c.ID)
	}
}

var (
	descTileHits   = prometheus.NewDesc("kzmap_tile_cache_hits_total", "Tiles answered from the tile cache.", nil, nil)
	descTileMisses = prometheus.NewDesc("kzmap_tile_cache_misses_total", "Tiles that had to be rendered.", nil, nil)
	descTileCount  = prometheus.NewDesc("kzmap_tile_cache_tiles", "Tiles held in the tile cache.", nil, nil)
	descTileBytes  = prometheus.NewDesc("kzmap_tile_cache_bytes", "Bytes held in the tile cache.", nil, nil)
)

// tileCacheCollector reads the tile cache's own counters at scrape time.
// The cache is looked up then too: it may be built after the handlers.
type tileCacheCollector struct{ cache func() *tiles.Cache }

func (tc tileCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descTileHits
	ch <- descTileMisses
	ch <- descTileCount
	ch <- descTileBytes
}

func (tc tileCacheCollector) Collect(ch chan<- prometheus.Metric) {
	c := tc.cache()
	if c == nil {
		return
	}
	st := c.Stats()
	ch <- prometheus.MustNewConstMetric(descTileHits, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(descTileMisses, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(descTileCount, prometheus.GaugeValue, float64(st.Tiles))
	ch <- prometheus.MustNewConstMetric(descTileBytes, prometheus.GaugeValue, float64(st.Bytes))
}
