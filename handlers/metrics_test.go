package handlers

import (
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// parseMetrics reads /metrics with Prometheus's own text parser.
func parseMetrics(t *testing.T, body string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not Prometheus text: %v\n%.500s", err, body)
	}
	return fams
}

// sample finds the metric of a family whose labels include want.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

func TestMetrics(t *testing.T) {
	e, _ := newConfiguredServer(t, Config{})
	for range 3 {
		get(e, "/collections/regions/items?limit=1")
	}
	get(e, "/collections/regions/items?bbox=1")
	get(e, "/no/such/path/one")
	get(e, "/no/such/path/two")

	rec := get(e, "/metrics")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	fams := parseMetrics(t, rec.Body.String())
	items := map[string]string{"route": "/collections/:collectionId/items", "method": "GET", "status": "200"}
	if m := sample(fams, "kzmap_http_requests_total", items); m == nil || m.GetCounter().GetValue() != 3 {
		t.Errorf("requests_total for items 200 = %v", m)
	}
	if m := sample(fams, "kzmap_http_request_duration_seconds", items); m == nil || m.GetHistogram().GetSampleCount() != 3 {
		t.Errorf("latency histogram for items 200 = %v", m)
	}
	bad := map[string]string{"route": "/collections/:collectionId/items", "status": "400"}
	if m := sample(fams, "kzmap_http_requests_total", bad); m == nil || m.GetCounter().GetValue() != 1 {
		t.Errorf("requests_total for items 400 = %v", m)
	}
	// Unknown paths share one label value: clients cannot grow the label set.
	if m := sample(fams, "kzmap_http_requests_total", map[string]string{"route": "unmatched", "status": "404"}); m == nil || m.GetCounter().GetValue() != 2 {
		t.Errorf("unmatched 404s = %v", m)
	}
	for _, m := range fams["kzmap_http_requests_total"].Metric {
		for _, l := range m.Label {
			if l.GetName() == "route" && strings.Contains(l.GetValue(), "/no/such") {
				t.Errorf("raw path %q used as a label", l.GetValue())
			}
		}
	}
	if m := sample(fams, "kzmap_collection_features", map[string]string{"collection": "regions"}); m == nil || m.GetGauge().GetValue() < 1 {
		t.Errorf("collection_features{regions} = %v", m)
	}
	for _, name := range []string{"kzmap_tile_cache_hits_total", "kzmap_tile_cache_misses_total", "kzmap_tile_cache_bytes",
		"kzmap_http_requests_in_flight", "go_goroutines", "process_resident_memory_bytes"} {
		if fams[name] == nil {
			t.Errorf("no metric %s", name)
		}
	}
}

// Two servers in one process count apart (private registries), and making
// many does not panic on duplicate registration.
func TestMetricsPerInstance(t *testing.T) {
	a, _ := newConfiguredServer(t, Config{})
	b, _ := newConfiguredServer(t, Config{})
	get(a, "/collections")
	fams := parseMetrics(t, get(b, "/metrics").Body.String())
	if m := sample(fams, "kzmap_http_requests_total", map[string]string{"route": "/collections"}); m != nil {
		t.Errorf("server b counted server a's request: %v", m)
	}
}

func TestCountWrite(t *testing.T) {
	s := &server{metrics: newMetrics(newTestStore(t), nil)}
	s.countWrite("events", "create")
	s.countWrite("events", "create")
	s.countWrite("events", "delete")
	e := echo.New()
	e.GET("/metrics", s.metrics.handler())
	fams := parseMetrics(t, get(e, "/metrics").Body.String())
	for op, want := range map[string]float64{"create": 2, "delete": 1} {
		if m := sample(fams, "kzmap_writes_total", map[string]string{"collection": "events", "op": op}); m == nil || m.GetCounter().GetValue() != want {
			t.Errorf("writes_total{op=%s} = %v, want %v", op, m, want)
		}
	}
	if fams["kzmap_tile_cache_hits_total"] != nil {
		t.Error("tile cache metrics without a cache")
	}
	(&server{}).countWrite("x", "create") // no metrics: no panic
}
