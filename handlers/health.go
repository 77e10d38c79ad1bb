package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type healthStatus struct {
	Status string `json:"status"`
}

// healthz answers 200 while the process serves.
func (s *server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthStatus{Status: "ok"})
}

// readyz answers 200 once the data is loaded (Config.Ready) and 503 while it
// is not — before loading and while shutting down, so that a load balancer
// stops sending requests before the server stops taking them.
func (s *server) readyz(c echo.Context) error {
	if s.Ready != nil && !s.Ready() {
		// Answered here rather than returned: this 503 is expected while
		// loading and shutting down, and the error handler logs every 5xx
		// as a server fault.
		c.Response().Header().Set("Retry-After", "1")
		b, err := marshal(Problem{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable),
			Status: http.StatusServiceUnavailable, Detail: "not ready: the data is loading or the server is shutting down"})
		if err != nil {
			return err
		}
		return c.Blob(http.StatusServiceUnavailable, ContentTypeProblem, b)
	}
	return c.JSON(http.StatusOK, healthStatus{Status: "ready"})
}

// opsOpenAPIPaths documents /healthz, /readyz and /metrics.
func opsOpenAPIPaths() obj {
	status := obj{"type": "object", "properties": obj{"status": obj{"type": "string"}}}
	return obj{
		"/healthz": obj{"get": obj{
			"tags": []string{"Operations"}, "summary": "Liveness: 200 while the process serves", "operationId": "healthz",
			"responses": obj{"200": obj{"description": "The process is up",
				"content": obj{ContentTypeJSON: obj{"schema": status}}}},
		}},
		"/readyz": obj{"get": obj{
			"tags": []string{"Operations"}, "summary": "Readiness: 200 once the data is loaded", "operationId": "readyz",
			"responses": obj{
				"200": obj{"description": "Ready to serve", "content": obj{ContentTypeJSON: obj{"schema": status}}},
				"503": obj{"description": "Loading or shutting down", "content": obj{ContentTypeProblem: obj{"schema": ref("schemas", "problem")}}},
			},
		}},
		"/metrics": obj{"get": obj{
			"tags": []string{"Operations"}, "summary": "Prometheus metrics", "operationId": "metrics",
			"description": "Request counts and latency histograms by route and status, store sizes, tile cache counters, writes, Go runtime and process figures.",
			"responses": obj{"200": obj{"description": "Prometheus text exposition format (text/plain; version=0.0.4)",
				"content": obj{"text/plain": obj{"schema": obj{"type": "string"}}}}},
		}},
	}
}
