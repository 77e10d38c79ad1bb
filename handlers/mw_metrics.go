package handlers

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/labstack/echo/v4"
)

// middleware counts and times every request by route template, method and
// status. It answers errors itself (c.Error) so that it records the status
// the client gets.
func (m *metrics) middleware(route func(echo.Context) string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			m.inFlight.Inc()
			defer m.inFlight.Dec()
			if err := next(c); err != nil {
				c.Error(err)
			}
			m.record(route(c), c.Request().Method, c.Response().Status, start)
			return nil
		}
	}
}

// record counts and times one answered request.
func (m *metrics) record(route, method string, status int, start time.Time) {
	switch method {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS":
	default:
		method = "other" // the method is the client's: keep the label set bounded
	}
	k := seriesKey{route, method, status}
	sr, ok := m.series.Load(k)
	if !ok {
		labels := []string{route, method, strconv.Itoa(status)}
		sr, _ = m.series.LoadOrStore(k, &series{
			requests: m.requests.WithLabelValues(labels...),
			duration: m.duration.WithLabelValues(labels...),
		})
	}
	s := sr.(*series)
	s.requests.Inc()
	s.duration.Observe(time.Since(start).Seconds())
}

// seriesKey names one route/method/status series; the label values are
// bounded (route templates, known methods, statuses), so the cache is too.
type seriesKey struct {
	route, method string
	status        int
}

// series holds a request series' resolved collectors: resolving labels
// (WithLabelValues) hashes them on every call, a cost on the hot path.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}
