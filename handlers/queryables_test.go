package handlers

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestQueryables(t *testing.T) {
	e, _ := newTestServer(t)
	cases := []struct {
		name, coll string
		want       map[string]map[string]any // property → members it must have
		status     int
	}{
		{"regions", "regions", map[string]map[string]any{
			"geometry":   {"$ref": "https://geojson.org/schema/Polygon.json"},
			"population": {"type": "integer"},
			"name_en":    {"type": "string"},
		}, http.StatusOK},
		{"events with time", "events", map[string]map[string]any{
			"geometry": {"$ref": "https://geojson.org/schema/Point.json"},
			"date":     {"type": "string", "format": "date-time"},
			"datetime": {"format": "date-time"},
		}, http.StatusOK},
		{"unknown collection", "nope", nil, http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(e, "/collections/"+tc.coll+"/queryables")
			if rec.Code != tc.status {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if tc.status != http.StatusOK {
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != ContentTypeSchema {
				t.Errorf("Content-Type %q", ct)
			}
			var doc struct {
				ID         string                    `json:"$id"`
				Type       string                    `json:"type"`
				Additional *bool                     `json:"additionalProperties"`
				Props      map[string]map[string]any `json:"properties"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Type != "object" || doc.ID == "" || doc.Additional == nil || *doc.Additional {
				t.Errorf("envelope: %s", rec.Body)
			}
			for p, members := range tc.want {
				for k, v := range members {
					if doc.Props[p][k] != v {
						t.Errorf("%s.%s = %v, want %v", p, k, doc.Props[p][k], v)
					}
				}
			}
		})
	}
}
