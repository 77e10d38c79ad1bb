package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"

	"github.com/labstack/echo/v4"
)

// MaxRequestIDLen bounds an incoming X-Request-Id: it is echoed and logged,
// so a client must not be able to make it large.
const MaxRequestIDLen = 64

// logKey is the echo.Context key of the request's logger.
const logKey = "kzmap.log"

// requestID gives every request an id: the client's X-Request-Id (or a
// proxy's) when it is usable, otherwise a new random one. The id is echoed in
// the answer and carried by the request's logger (reqLog), so that every log
// line of one request can be found together.
func requestID(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := SanitizeRequestID(c.Request().Header.Get(echo.HeaderXRequestID))
			if id == "" {
				id = newRequestID()
			}
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			c.Set(logKey, log.With("request_id", id))
			return next(c)
		}
	}
}

// SanitizeRequestID keeps the characters of an incoming request id that are
// safe in a header and a log line (letters, digits and -_.:), at most
// MaxRequestIDLen of them; "" means the id is unusable and a new one is made.
func SanitizeRequestID(s string) string {
	b := make([]byte, 0, min(len(s), MaxRequestIDLen))
	for i := 0; i < len(s) && len(b) < MaxRequestIDLen; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':' {
			b = append(b, c)
		}
	}
	return string(b)
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// reqLog is the request's logger (with its request id); a context that did
// not pass through requestID gets the default logger, never nil.
func reqLog(c echo.Context) *slog.Logger {
	if l, ok := c.Get(logKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// RequestLogger is reqLog for handlers in other files: the logger to use for
// anything logged while serving c.
func RequestLogger(c echo.Context) *slog.Logger { return reqLog(c) }
