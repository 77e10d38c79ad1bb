package handlers

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestParseOrigins(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		bad      bool
	}{
		{"none", "", nil, false},
		{"any", "*", []string{"*"}, false},
		{"two", "https://a.example, http://b.example:8080", []string{"https://a.example", "http://b.example:8080"}, false},
		{"case folded", "HTTPS://A.Example", []string{"https://a.example"}, false},
		{"path", "https://a.example/", nil, true},
		{"no scheme", "a.example", nil, true},
		{"ftp", "ftp://a.example", nil, true},
		{"wildcard host", "https://*.example", nil, true},
		{"user", "https://u@a.example", nil, true},
		{"query", "https://a.example?x", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseOrigins(tc.in)
			if tc.bad {
				if !errors.Is(err, ErrBadOrigin) {
					t.Fatalf("ParseOrigins(%q) = %v, %v; want ErrBadOrigin", tc.in, got, err)
				}
				return
			}
			if err != nil || len(got) != len(tc.want) {
				t.Fatalf("ParseOrigins(%q) = %v, %v", tc.in, got, err)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("origin %d = %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestCORS(t *testing.T) {
	const allowed = "https://maps.example"
	e, _ := newConfiguredServer(t, Config{CORSOrigins: []string{allowed}})
	// A simple request from an allowed origin.
	rec := get(e, "/collections", "Origin", allowed)
	if rec.Header().Get("Access-Control-Allow-Origin") != allowed || rec.Header().Get("Access-Control-Expose-Headers") == "" {
		t.Errorf("allowed origin: headers %v", rec.Header())
	}
	// From another origin: no CORS headers, the answer itself unchanged.
	rec = get(e, "/collections", "Origin", "https://evil.example")
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %d %v", rec.Code, rec.Header())
	}
	// A preflight for a write.
	rec = do(e, http.MethodOptions, "/collections/regions/items", "Origin", allowed,
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != allowed ||
		!containsWord(rec.Header().Get("Access-Control-Allow-Methods"), "POST") ||
		!containsWord(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	// A plain OPTIONS (QGIS) still reaches the route and gets its Allow header.
	rec = do(e, http.MethodOptions, "/collections/regions/items")
	if rec.Header().Get("Allow") == "" || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("plain OPTIONS: %d %v", rec.Code, rec.Header())
	}
	if !containsWord(get(e, "/collections").Header().Get("Vary"), "Origin") {
		t.Error("answers do not vary on Origin")
	}
}

func TestCORSAnyAndOff(t *testing.T) {
	e, _ := newConfiguredServer(t, Config{CORSOrigins: []string{"*"}})
	if got := get(e, "/collections", "Origin", "https://x.example").Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("* config: Allow-Origin %q", got)
	}
	e, _ = newConfiguredServer(t, Config{})
	rec := do(e, http.MethodOptions, "/collections/regions/items", "Origin", "https://x.example", "Access-Control-Request-Method", "GET")
	if rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS off still answered %v", rec.Header())
	}
}

func FuzzParseOrigins(f *testing.F) {
	for _, s := range []string{"*", "https://a.example", "http://a:1,https://b", "https://a/", "a", ",,", "https://[::1]:8080", "http://%zz", "https://a.example\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		origins, err := ParseOrigins(s)
		if err != nil {
			if !errors.Is(err, ErrBadOrigin) {
				t.Fatalf("error %v is not ErrBadOrigin", err)
			}
			return
		}
		for _, o := range origins {
			if o == "*" {
				continue
			}
			if !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") || strings.ContainsAny(o, " \t,*") {
				t.Fatalf("accepted origin %q from %q", o, s)
			}
			// What is accepted parses again to itself.
			again, err := ParseOrigins(o)
			if err != nil || len(again) != 1 || again[0] != o {
				t.Fatalf("origin %q does not round-trip: %v %v", o, again, err)
			}
		}
	})
}
