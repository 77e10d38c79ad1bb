package handlers

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"
)

// maxRateClients bounds the clients the rate limiter remembers, so that a
// flood from many addresses cannot grow its table without end.
const maxRateClients = 1 << 16

// rateLimiter is a token bucket per client address: rate requests per second
// on average, bursts of up to burst. It is off unless a flag sets a rate, so
// that a load test from one address measures the server, not the limiter.
type rateLimiter struct {
	rate    rate.Limit
	burst   int
	idle    time.Duration // a bucket idle this long is full again: forget it
	limited prometheus.Counter
	now     func() time.Time

	mu        sync.Mutex
	clients   map[string]*rateClient
	lastSweep time.Time
}

type rateClient struct {
	lim  *rate.Limiter
	seen time.Time
}

// newRateLimiter allows r requests per second per client with bursts of
// burst (at least 1; 0 means twice the rate, rounded up).
func newRateLimiter(r float64, burst int, limited prometheus.Counter) *rateLimiter {
	if burst <= 0 {
		burst = max(1, int(math.Ceil(2*r)))
	}
	// Forgetting a client is the same as refilling its bucket, which takes
	// burst/r seconds; wait at least a minute so the table churns slowly.
	idle := max(time.Minute, time.Duration(float64(burst)/r*float64(time.Second)))
	return &rateLimiter{rate: rate.Limit(r), burst: burst, idle: idle, limited: limited,
		now: time.Now, clients: map[string]*rateClient{}}
}

// exemptFromRateLimit are the paths that probes and scrapers poll: a busy
// client must not make the server look dead to its orchestrator.
var exemptFromRateLimit = map[string]bool{"/healthz": true, "/readyz": true, "/metrics": true}

func (rl *rateLimiter) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if exemptFromRateLimit[req.URL.Path] {
			return next(c)
		}
		ok, wait := rl.allow(clientKey(req), rl.now())
		if ok {
			return next(c)
		}
		if rl.limited != nil {
			rl.limited.Inc()
		}
		secs := max(1, int(math.Ceil(wait.Seconds())))
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return echo.NewHTTPError(http.StatusTooManyRequests,
			fmt.Sprintf("more than %g requests per second from this client; retry after %d s", float64(rl.rate), secs))
	}
}

// allow takes a token from the client's bucket, or says how long until one
// is there.
func (rl *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if now.Sub(rl.lastSweep) > rl.idle || len(rl.clients) >= maxRateClients {
		rl.sweep(now)
	}
	cl, ok := rl.clients[key]
	if !ok {
		if len(rl.clients) >= maxRateClients {
			// Every slot is held by a client seen within the idle time: a
			// flood from many addresses. Let the request through rather than
			// refuse clients the table has no room for.
			return true, 0
		}
		cl = &rateClient{lim: rate.NewLimiter(rl.rate, rl.burst)}
		rl.clients[key] = cl
	}
	cl.seen = now
	r := cl.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, rl.idle
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request must not use up the client's future tokens
		return false, d
	}
	return true, 0
}

func (rl *rateLimiter) sweep(now time.Time) {
	for k, cl := range rl.clients {
		if now.Sub(cl.seen) >= rl.idle {
			delete(rl.clients, k)
		}
	}
	rl.lastSweep = now
}

// clientKey is the address the limit applies to: the connection's peer (not
// X-Forwarded-For, which any client can write), and for IPv6 its /64, since
// one host usually holds a whole /64.
func clientKey(req *http.Request) string {
	ip := net.ParseIP(clientIP(req))
	if ip == nil {
		return req.RemoteAddr
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String()
	}
	return ip.String()
}

// clientIP is the connection's peer address without the port.
func clientIP(req *http.Request) string {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		return req.RemoteAddr
	}
	return host
}
