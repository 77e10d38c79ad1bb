package handlers

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// maxLogValue bounds what a client's path or query puts in one log line.
const maxLogValue = 256

// accessLog writes one line per request, at Info (Warn for a 5xx), with the
// request id the request's logger carries.
func accessLog() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err) // answer now, so that the status below is the one sent
			}
			req, res := c.Request(), c.Response()
			level := slog.LevelInfo
			if res.Status >= 500 {
				level = slog.LevelWarn
			}
			if base, ok := c.Get(baseKey).(*slog.Logger); ok && !base.Enabled(req.Context(), level) {
				return nil // checked on the base logger: reqLog would build one for nothing
			}
			log := reqLog(c)
			log.LogAttrs(req.Context(), level, "request",
				slog.String("method", req.Method),
				slog.String("path", clipLog(req.URL.Path)),
				slog.String("query", clipLog(req.URL.RawQuery)),
				slog.Int("status", res.Status),
				slog.Int64("bytes", res.Size),
				slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("remote", clientIP(req)),
			)
			return nil
		}
	}
}

// clipLog shortens a client's value for a log line (bytes, not runes: the
// JSON handler escapes whatever invalid UTF-8 a cut leaves).
func clipLog(s string) string {
	if len(s) <= maxLogValue {
		return s
	}
	return s[:maxLogValue] + "…"
}
