package handlers

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// TestGolden pins the documents clients parse field by field. Run with
// -update after an intended change and review the diff.
func TestGolden(t *testing.T) {
	e, _ := newTestServer(t)
	tests := []struct {
		name, target string
	}{
		{"landing", "/?f=json"},
		{"conformance", "/conformance"},
		{"collection_regions", "/collections/regions"},
		{"collection_events", "/collections/events"},
		{"item_kz03", "/collections/regions/items/KZ03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(e, tt.target)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			// Indent the answer as it is, keeping its member order.
			var buf bytes.Buffer
			if err := json.Indent(&buf, bytes.TrimSpace(rec.Body.Bytes()), "", "  "); err != nil {
				t.Fatal(err)
			}
			got := append(buf.Bytes(), '\n')
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", tt.target, path, got)
			}
		})
	}
}
