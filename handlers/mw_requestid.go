package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"unsafe"

	"github.com/labstack/echo/v4"
)

// MaxRequestIDLen bounds an incoming X-Request-Id: it is echoed and logged,
// so a client must not be able to make it large.
const MaxRequestIDLen = 64

// Keys of the request's id, base logger and (once built) its logger in the
// echo.Context.
const (
	idKey   = "kzmap.request_id"
	baseKey = "kzmap.base_log"
	logKey  = "kzmap.log"
)

// requestID gives every request an id (see idSource.of). The id is echoed
// in the answer and carried by the request's log lines (reqLog), so that
// every log line of one request can be found together. The logger is built
// only when something other than the access log logs: most requests log
// nothing else, and slog's With costs more than a look-up's whole answer.
func requestID(log *slog.Logger, ids *idSource) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id := ids.of(c.Request())
			c.Response().Header()[echo.HeaderXRequestID] = id
			c.Set(idKey, id[0])
			c.Set(baseKey, log)
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

// idSource makes request ids unique within a run and across runs: a random
// prefix drawn once, then a counter (a random id per request would cost a
// system call each).
type idSource struct {
	prefix string
	n      atomic.Uint64
}

func newIDSource() *idSource {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return &idSource{prefix: hex.EncodeToString(b[:]) + "-"}
}

// of returns the id of a request: the client's X-Request-Id (or a proxy's)
// when it is usable, otherwise a new one; as the header value that echoes it.
func (s *idSource) of(req *http.Request) []string {
	if id := req.Header.Get(echo.HeaderXRequestID); id != "" {
		if id = SanitizeRequestID(id); id != "" {
			return []string{id}
		}
	}
	return s.next()
}

// idValue is a made id and its header value, allocated together: one
// allocation per request instead of three.
type idValue struct {
	hdr [1]string
	buf [32]byte // prefix (13 bytes) and a base-36 uint64 (at most 13)
}

func (s *idSource) next() []string {
	v := new(idValue)
	b := strconv.AppendUint(append(v.buf[:0], s.prefix...), s.n.Add(1), 36)
	// buf is not written again: the string may share it.
	v.hdr[0] = unsafe.String(&v.buf[0], len(b))
	return v.hdr[:]
}

// reqLog is the request's logger (with its request id); a context that did
// not pass through requestID gets the default logger, never nil.
func reqLog(c echo.Context) *slog.Logger {
	if l, ok := c.Get(logKey).(*slog.Logger); ok {
		return l
	}
	base, ok := c.Get(baseKey).(*slog.Logger)
	if !ok {
		return slog.Default()
	}
	l := base.With("request_id", c.Get(idKey))
	c.Set(logKey, l)
	return l
}
