package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// maxBody is the largest request body accepted: Config.MaxBody, or
// DefaultMaxBody (writes.go: the contract's 10 MB).
func (s *server) maxBody() int64 {
	if s.MaxBody > 0 {
		return s.MaxBody
	}
	return DefaultMaxBody
}

// bodyLimit refuses a body over max bytes with 413: at once when
// Content-Length says so, otherwise when a handler reads past the limit
// (http.MaxBytesReader; problemFor maps its *http.MaxBytesError to 413).
func bodyLimit(max int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > max {
				return tooLarge(max)
			}
			if req.Body != nil && req.Body != http.NoBody {
				// The underlying writer, so that net/http learns of the
				// overrun and closes the connection after the answer.
				req.Body = http.MaxBytesReader(c.Response().Writer, req.Body, max)
			}
			return next(c)
		}
	}
}

func tooLarge(max int64) error {
	return echo.NewHTTPError(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("request body is larger than %s", sizeText(max)))
}

// sizeText writes a byte count the way the --max-body flag takes it.
func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
