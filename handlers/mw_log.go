package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// maxLogValue bounds what a client's path or query puts in one log line.
const maxLogValue = 256

// accessLog writes one line per request to log, at Info (Warn for a 5xx),
// with the request's id.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err) // answer now, so that the status below is the one sent
			}
			req, res := c.Request(), c.Response()
			id, _ := c.Get(idKey).(string)
			logRequest(req.Context(), log, id, req, res.Status, res.Size, start)
			return nil
		}
	}
}

// logRequest writes a request's access log line, unless log is quiet at its
// level. The id is an attribute of the line (as reqLog's logger would add
// it) rather than a logger made With it, which would cost more than the
// line.
func logRequest(ctx context.Context, log *slog.Logger, id string, req *http.Request, status int, size int64, start time.Time) {
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelWarn
	}
	if !log.Enabled(ctx, level) {
		return
	}
	log.LogAttrs(ctx, level, "request",
		slog.String("request_id", id),
		slog.String("method", req.Method),
		slog.String("path", clipLog(req.URL.Path)),
		slog.String("query", clipLog(req.URL.RawQuery)),
		slog.Int("status", status),
		slog.Int64("bytes", size),
		slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("remote", clientIP(req)),
	)
}

// clipLog shortens a client's value for a log line (bytes, not runes: the
// JSON handler escapes whatever invalid UTF-8 a cut leaves).
func clipLog(s string) string {
	if len(s) <= maxLogValue {
		return s
	}
	return s[:maxLogValue] + "…"
}
