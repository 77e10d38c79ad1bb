package handlers

import (
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// useMiddleware installs the middlewares, outermost first. The order matters:
//
//   - request id first, so that every later log line of the request carries it;
//   - access log and metrics next: they turn an error into its answer
//     (c.Error) so that they see the status the client gets, panics included;
//   - recover, so that a panic becomes a 500 problem with the stack logged;
//   - rate limit, body limit and CORS refuse requests before any handler
//     runs; security headers are set on whatever answer is written.
func (s *server) useMiddleware(e *echo.Echo) {
	e.Use(requestID(s.Log, s.requestIDs))
	e.Use(accessLog(s.accessLog()))
	e.Use(s.metrics.middleware(routeLabeler(e)))
	e.Use(recoverer())
	if s.Rate > 0 {
		e.Use(newRateLimiter(s.Rate, s.Burst, s.metrics.rateLimited).middleware)
	}
	e.Use(bodyLimit(s.maxBody()))
	if len(s.CORSOrigins) > 0 {
		e.Use(cors(s.CORSOrigins))
	}
	e.Use(securityHeaders())
}

// recoverer turns a panic into an error (answered as a 500 problem by the
// error handler) and logs it with its stack and the request id.
func recoverer() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			reqLog(c).Error("panic serving request", "method", c.Request().Method,
				"path", clipLog(c.Request().URL.Path), "err", err, "stack", string(stack))
			return err
		},
	})
}

// routeLabeler names the route of a request for metrics: the route template
// (/collections/:collectionId/items), never the raw path, so that the number
// of label values stays bounded whatever clients send. Requests that match no
// route are "unmatched".
func routeLabeler(e *echo.Echo) func(c echo.Context) string {
	var (
		once  sync.Once
		known map[string]bool
	)
	return func(c echo.Context) string {
		// Routes are all registered before the first request arrives.
		once.Do(func() {
			known = map[string]bool{}
			for _, r := range e.Routes() {
				known[r.Path] = true
			}
		})
		if p := c.Path(); known[p] {
			return p
		}
		return "unmatched"
	}
}
