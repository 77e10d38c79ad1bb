package handlers

import (
	"sync/atomic"
	"testing"
)

func TestHealthAndReadiness(t *testing.T) {
	var ready atomic.Bool
	e, _ := newConfiguredServer(t, Config{Ready: ready.Load})
	check := func(path string, code int, ctype string) {
		t.Helper()
		rec := get(e, path)
		if rec.Code != code || rec.Header().Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q, want %d %q", path, rec.Code, rec.Header().Get("Content-Type"), code, ctype)
		}
	}
	check("/healthz", 200, "application/json")
	check("/readyz", 503, ContentTypeProblem)
	if ra := get(e, "/readyz").Header().Get("Retry-After"); ra == "" {
		t.Error("503 without Retry-After")
	}
	ready.Store(true)
	check("/readyz", 200, "application/json")
	check("/healthz", 200, "application/json")
	if rec := do(e, "HEAD", "/healthz"); rec.Code != 200 {
		t.Errorf("HEAD /healthz: %d", rec.Code)
	}
	// Without a Ready function the server is ready.
	e, _ = newConfiguredServer(t, Config{})
	check("/readyz", 200, "application/json")
}
