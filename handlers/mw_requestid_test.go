package handlers

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestSanitizeRequestID(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "abc-123", "abc-123"},
		{"uuid", "0b6c1f7e-2f0a-4c55-9d1e-6b1a2f3c4d5e", "0b6c1f7e-2f0a-4c55-9d1e-6b1a2f3c4d5e"},
		{"empty", "", ""},
		{"log injection", "a\nb\r\"c\"", "abc"},
		{"only junk", "<>{}\x00\xff", ""},
		{"long", strings.Repeat("x", 1000), strings.Repeat("x", MaxRequestIDLen)},
		{"unicode", "ид-7", "-7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SanitizeRequestID(tc.in); got != tc.want {
				t.Errorf("SanitizeRequestID(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// A made id is a per-run random prefix and a counter.
var hexID = regexp.MustCompile(`^[0-9a-f]{12}-[0-9a-z]+$`)

func TestRequestIDEchoedAndLogged(t *testing.T) {
	e, logs := newConfiguredServer(t, Config{})
	cases := []struct {
		name, sent string
		want       func(string) bool
	}{
		{"kept", "client-id-42", func(s string) bool { return s == "client-id-42" }},
		{"sanitised", "evil\r\nid", func(s string) bool { return s == "evilid" }},
		{"made when absent", "", hexID.MatchString},
		{"made when unusable", "\"\"\"", hexID.MatchString},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.sent != "" {
				hdr = []string{"X-Request-Id", tc.sent}
			}
			// An error answer too: the error handler logs with the id.
			rec := get(e, "/collections/nope/items?bbox=1,2,3,99", hdr...)
			id := rec.Header().Get("X-Request-Id")
			if !tc.want(id) {
				t.Fatalf("X-Request-Id = %q", id)
			}
			found := false
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("log line is not JSON: %q", line)
				}
				if m["msg"] == "request" && m["request_id"] == id {
					found = true
					if m["status"] != float64(rec.Code) {
						t.Errorf("logged status %v, answered %d", m["status"], rec.Code)
					}
				}
			}
			if !found {
				t.Errorf("no access log line with request_id %q in\n%s", id, logs.String())
			}
		})
	}
	// Two requests without ids get different ones.
	a, b := get(e, "/healthz").Header().Get("X-Request-Id"), get(e, "/healthz").Header().Get("X-Request-Id")
	if a == b {
		t.Errorf("two requests got the same id %q", a)
	}
}

// A panic answers 500 problem+json and its log line (with the stack) carries
// the request id.
func TestPanicLoggedWithRequestID(t *testing.T) {
	logs := &syncBuffer{}
	st := newTestStore(t)
	e := New(Config{Store: panicStore{st}, Log: jsonLogger(logs)})
	rec := get(e, "/collections/regions/items", "X-Request-Id", "panic-1")
	if rec.Code != 500 || rec.Header().Get("Content-Type") != ContentTypeProblem {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var panicLine map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "panic serving request" {
			panicLine = m
		}
	}
	if panicLine == nil {
		t.Fatalf("panic not logged:\n%s", logs.String())
	}
	if panicLine["request_id"] != "panic-1" || !strings.Contains(panicLine["stack"].(string), "goroutine") {
		t.Errorf("panic log line %v lacks the request id or the stack", panicLine)
	}
}

func FuzzSanitizeRequestID(f *testing.F) {
	for _, s := range []string{"", "abc", "a\nb", "\xff\xfe", strings.Repeat("z", 100), "id: \"x\"\r\nSet-Cookie: a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := SanitizeRequestID(s)
		if len(id) > MaxRequestIDLen {
			t.Fatalf("id of %d bytes", len(id))
		}
		for _, c := range []byte(id) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.:", c) >= 0) {
				t.Fatalf("unsafe byte %q kept from %q", c, s)
			}
		}
		if SanitizeRequestID(id) != id {
			t.Fatalf("not idempotent: %q", id)
		}
	})
}
