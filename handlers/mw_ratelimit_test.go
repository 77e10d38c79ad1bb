package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

func TestRateLimiterBuckets(t *testing.T) {
	rl := newRateLimiter(2, 3, nil) // 2/s, bursts of 3
	now := time.Unix(1_000_000, 0)
	for i := range 3 {
		if ok, _ := rl.allow("a", now); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := rl.allow("a", now)
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("4th request: ok=%v wait=%v, want refused with wait ≤ 0.5 s", ok, wait)
	}
	if ok, _ := rl.allow("b", now); !ok {
		t.Fatal("another client was refused")
	}
	// Refused requests do not use up tokens: after half a second one is back.
	for range 10 {
		rl.allow("a", now)
	}
	if ok, _ := rl.allow("a", now.Add(500*time.Millisecond)); !ok {
		t.Fatal("token not refilled after 0.5 s")
	}
	// Idle clients are forgotten.
	rl.allow("c", now.Add(rl.idle+time.Second))
	rl.mu.Lock()
	n := len(rl.clients)
	rl.mu.Unlock()
	if n != 1 {
		t.Errorf("%d clients remembered after the idle time, want 1", n)
	}
}

func TestRateLimitTableBounded(t *testing.T) {
	rl := newRateLimiter(1, 1, nil)
	now := time.Unix(1_000_000, 0)
	for i := range maxRateClients + 100 {
		if ok, _ := rl.allow(strconv.Itoa(i), now); !ok {
			t.Fatalf("first request of client %d refused", i)
		}
	}
	if len(rl.clients) > maxRateClients {
		t.Fatalf("table grew to %d", len(rl.clients))
	}
}

func TestClientKey(t *testing.T) {
	for _, tc := range []struct{ remote, xff, want string }{
		{"192.0.2.1:1234", "", "192.0.2.1"},
		{"192.0.2.1:1234", "203.0.113.9", "192.0.2.1"}, // X-Forwarded-For is not trusted
		{"[2001:db8:1:2:3:4:5:6]:80", "", "2001:db8:1:2::"},
		{"[2001:db8:1:2:ffff::1]:80", "", "2001:db8:1:2::"},
		{"garbage", "", "garbage"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.remote
		if tc.xff != "" {
			req.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientKey(req); got != tc.want {
			t.Errorf("clientKey(%q) = %q, want %q", tc.remote, got, tc.want)
		}
	}
}

func TestRateLimitAnswers429(t *testing.T) {
	e, _ := newConfiguredServer(t, Config{Rate: 1, Burst: 2})
	codes := []int{}
	var last *httptest.ResponseRecorder
	for range 4 {
		last = get(e, "/collections")
		codes = append(codes, last.Code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 || codes[3] != 429 {
		t.Fatalf("codes %v, want 200 200 429 429", codes)
	}
	if last.Header().Get("Content-Type") != ContentTypeProblem {
		t.Errorf("429 content type %q", last.Header().Get("Content-Type"))
	}
	if ra, err := strconv.Atoi(last.Header().Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After %q", last.Header().Get("Retry-After"))
	}
	var p Problem
	if err := json.Unmarshal(last.Body.Bytes(), &p); err != nil || p.Status != http.StatusTooManyRequests {
		t.Errorf("problem %+v, %v", p, err)
	}
	// Probes are never limited.
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if rec := get(e, path); rec.Code != 200 {
			t.Errorf("%s answered %d while the client was limited", path, rec.Code)
		}
	}
	// The counter saw the refusals.
	if body := get(e, "/metrics").Body.String(); !containsLine(body, "kzmap_http_rate_limited_total 2") {
		t.Errorf("rate-limited counter missing or wrong")
	}
}

func TestRateLimitOffByDefault(t *testing.T) {
	e, _ := newConfiguredServer(t, Config{})
	for i := range 200 {
		if rec := get(e, "/collections"); rec.Code != 200 {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
	}
}

func FuzzClientKey(f *testing.F) {
	for _, s := range []string{"192.0.2.1:80", "[::1]:80", "[fe80::1%eth0]:80", "", ":", "[", "1.2.3.4", "::ffff:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, remote string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = remote
		if k := clientKey(req); len(k) > len(remote)+64 {
			t.Fatalf("key %q from %q", k, remote)
		}
	})
}
