package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
)

// ContentTypeProblem is the media type of every error answer (RFC 7807).
const ContentTypeProblem = "application/problem+json"

// ParamError is a bad request parameter: the answer is 400 and names it.
type ParamError struct {
	Param  string // the query parameter, e.g. "bbox"
	Reason string // why it was refused, e.g. "latitude 91 is outside -90..90"
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("handlers: parameter %q: %s", e.Param, e.Reason)
}

// paramErr is shorthand for building a *ParamError with a formatted reason.
func paramErr(param, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Reason: fmt.Sprintf(format, args...)}
}

// NotFoundError is an unknown collection or feature; the answer is 404.
type NotFoundError struct {
	Kind string // "collection" or "feature"
	ID   string
	Err  error // geo.ErrNoCollection or geo.ErrNoFeature
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("handlers: no %s %q", e.Kind, e.ID)
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// storeErr gives store errors that the client caused a 404 with the id it
// asked for; any other error is passed on and becomes a 500.
func storeErr(err error, collection, fid string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, geo.ErrNoCollection):
		return &NotFoundError{Kind: "collection", ID: collection, Err: err}
	case errors.Is(err, geo.ErrNoFeature):
		return &NotFoundError{Kind: "feature", ID: fid, Err: err}
	}
	return err
}

// Problem is an RFC 7807 problem details object. Parameter is an extension
// member naming the refused query parameter of a 400.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// problemFor maps an error to the problem that describes it to the client.
// The second result is false when the error was not the client's doing.
func problemFor(err error) (Problem, bool) {
	p := Problem{Type: "about:blank"}
	var (
		pe  *ParamError
		nf  *NotFoundError
		he  *echo.HTTPError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &pe):
		p.Status = http.StatusBadRequest
		p.Detail = fmt.Sprintf("parameter %q: %s", pe.Param, pe.Reason)
		p.Parameter = pe.Param
	case errors.As(err, &nf):
		p.Status = http.StatusNotFound
		p.Detail = fmt.Sprintf("no %s %q", nf.Kind, nf.ID)
	case errors.Is(err, geo.ErrNoCollection):
		p.Status = http.StatusNotFound
		p.Detail = "no such collection"
	case errors.Is(err, geo.ErrNoFeature):
		p.Status = http.StatusNotFound
		p.Detail = "no such feature"
	case errors.Is(err, geo.ErrInvalid):
		p.Status = http.StatusBadRequest
		p.Detail = err.Error()
	case errors.As(err, &mbe):
		// A handler read past the body limit (mw_bodylimit.go).
		p.Status = http.StatusRequestEntityTooLarge
		p.Detail = fmt.Sprintf("request body is larger than %s", sizeText(mbe.Limit))
	case errors.As(err, &he):
		// Echo's own errors (404 no route, 405, 413 from BodyLimit, …).
		if inner, ok := he.Internal.(*echo.HTTPError); ok {
			he = inner
		}
		p.Status = he.Code
		if p.Status < 400 || p.Status > 599 {
			p.Status = http.StatusInternalServerError
		}
		if msg, ok := he.Message.(string); ok && msg != http.StatusText(he.Code) {
			p.Detail = msg
		}
	default:
		p.Status = http.StatusInternalServerError
		p.Detail = "internal error; the server log has the details"
	}
	p.Title = http.StatusText(p.Status)
	if p.Title == "" {
		p.Title = "Error"
	}
	return p, p.Status < 500
}

// errorHandler is Echo's HTTPErrorHandler: the one place where errors become
// answers, so that every error has the same shape.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		log := log
		if c.Get(baseKey) != nil {
			log = reqLog(c) // the request's logger, with its request id
		}
		if c.Response().Committed {
			// Too late to change the answer; at least keep a trace.
			log.Warn("error after response was committed", "path", c.Request().URL.Path, "err", err)
			return
		}
		p, clientErr := problemFor(err)
		req := c.Request()
		if p.Detail == "" {
			switch p.Status {
			case http.StatusNotFound:
				p.Detail = "no resource at " + req.URL.Path
			case http.StatusMethodNotAllowed:
				p.Detail = fmt.Sprintf("method %s is not allowed on %s", req.Method, req.URL.Path)
			}
		}
		if !clientErr {
			log.Error("request failed", "method", req.Method, "path", req.URL.Path, "query", req.URL.RawQuery, "err", err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if e := enc.Encode(p); e != nil {
			log.Error("encoding problem", "err", e)
		}
		h := c.Response().Header()
		// Headers meant for a successful answer must not describe the problem.
		h.Del(echo.HeaderContentLength)
		h.Del("Content-Encoding")
		h.Del(echo.HeaderLastModified)
		h.Del("ETag")
		h.Set(echo.HeaderContentType, ContentTypeProblem)
		if req.Method == http.MethodHead {
			c.Response().WriteHeader(p.Status)
			return
		}
		if e := c.Blob(p.Status, ContentTypeProblem, buf.Bytes()); e != nil {
			log.Debug("writing problem", "err", e)
		}
	}
}
