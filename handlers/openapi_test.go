package handlers

import (
	"bytes"
	"testing"
)

// TestAPIDocBuiltOnce: the document is marshalled once and answered with
// each request's server URL, byte for byte what marshalling it whole
// gives; a new collection rebuilds it.
func TestAPIDocBuiltOnce(t *testing.T) {
	e, _, _ := newWriteServer(t, testToken)
	doc := func(header ...string) map[string]any {
		t.Helper()
		rec := get(e, "/api?f=json", header...)
		if rec.Code != 200 {
			t.Fatalf("GET /api: %d %s", rec.Code, clip(rec.Body.String()))
		}
		d := decode[map[string]any](t, rec)
		want, err := marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("answer differs from the document marshalled whole:\n%s\nwant\n%s", clip(rec.Body.String()), clip(string(want)))
		}
		return d
	}
	server := func(d map[string]any) string {
		return d["servers"].([]any)[0].(map[string]any)["url"].(string)
	}
	paths := func(d map[string]any) map[string]any { return d["paths"].(map[string]any) }

	first := doc()
	if got := server(first); got != "http://example.com" {
		t.Errorf("server %q", got)
	}
	proxied := doc("Forwarded", `proto=https;host="maps.example.org"`)
	if got := server(proxied); got != "https://maps.example.org" {
		t.Errorf("server behind a proxy %q", got)
	}
	if len(paths(proxied)) != len(paths(first)) {
		t.Errorf("paths differ by server: %d vs %d", len(paths(proxied)), len(paths(first)))
	}
	if _, ok := paths(first)["/collections/places/items"]; ok {
		t.Fatal("places documented before it exists")
	}

	rec := write(e, "PUT", "/collections/places", `{"type":"FeatureCollection","features":[`+point("a", 60, 45, `{"kind":"town"}`)+`]}`)
	if rec.Code != 201 {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	if _, ok := paths(doc())["/collections/places/items"]; !ok {
		t.Error("the collection created by import is not documented")
	}
}

// BenchmarkAPI is GET /api in JSON, the document QGIS and GDAL read when
// they open the service.
func BenchmarkAPI(b *testing.B) {
	e, _ := newTestServer(b)
	for b.Loop() {
		if rec := get(e, "/api?f=json"); rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
