package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// A route that reads its whole body, as the write handlers do.
func readAll(c echo.Context) error {
	b, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	return c.String(http.StatusOK, strings.Repeat("", 0)+string(rune('0'+len(b)%10)))
}

func TestBodyLimit(t *testing.T) {
	e, _ := newConfiguredServer(t, Config{MaxBody: 1000})
	e.POST("/echo-test", readAll)
	for _, tc := range []struct {
		name    string
		size    int
		chunked bool
		want    int
	}{
		{"under", 999, false, 200},
		{"at", 1000, false, 200},
		{"over by length", 1001, false, 413},
		{"over while reading", 5000, true, 413},
		{"under while reading", 10, true, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(strings.Repeat("x", tc.size))
			if tc.chunked {
				body = io.MultiReader(body) // hides the length: ContentLength -1
			}
			rec := send(e, http.MethodPost, "/echo-test", body)
			if rec.Code != tc.want {
				t.Fatalf("%d, want %d: %s", rec.Code, tc.want, rec.Body.String())
			}
			if tc.want == 413 {
				if rec.Header().Get("Content-Type") != ContentTypeProblem || !strings.Contains(rec.Body.String(), "1000 bytes") {
					t.Errorf("413 answer %q %s", rec.Header().Get("Content-Type"), rec.Body.String())
				}
			}
		})
	}
	// The default is the contract's 10 MB, and a body on any path counts.
	e, _ = newConfiguredServer(t, Config{})
	rec := send(e, http.MethodGet, "/collections", strings.NewReader(strings.Repeat("x", DefaultMaxBody+1)))
	if rec.Code != 413 || !strings.Contains(rec.Body.String(), "10 MB") {
		t.Errorf("GET with 10 MB + 1 body: %d %s", rec.Code, rec.Body.String())
	}
}

// A handler that wraps the reader's error still gets 413.
func TestMaxBytesErrorWrapped(t *testing.T) {
	p, client := problemFor(errors.Join(errors.New("decoding feature"), &http.MaxBytesError{Limit: 10 << 20}))
	if p.Status != 413 || !client || !strings.Contains(p.Detail, "10 MB") {
		t.Errorf("problem %+v", p)
	}
}
