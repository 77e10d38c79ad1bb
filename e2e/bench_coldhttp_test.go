package e2e

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// coldHTTP times the workload's tiles over HTTP as issue 10 defines it: a
// freshly started server with default settings (access log at info
// included), every tile fetched once, in order, on one keep-alive
// connection by Go's default client (which asks for gzip and undoes it),
// and the same client's time for as many GET /healthz, so that the
// difference is what the tiles cost beyond a minimal request. sizes are
// the in-process tiles' lengths, to check every answer.
func coldHTTP(t *testing.T, paths []string, sizes []int) (tilesS, healthzS float64) {
	t.Helper()
	srv := startServer(t, nil, "--db", ":memory:")
	defer stopServer(t, srv)
	tr := &http.Transport{MaxConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	fetch := func(path string) (int, int) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, int(n)
	}
	start := time.Now()
	for i, p := range paths {
		status, n := fetch(p)
		want := http.StatusOK
		if sizes[i] == 0 {
			want = http.StatusNoContent
		}
		require.Equal(t, want, status, p)
		require.Equal(t, sizes[i], n, "%s: HTTP and in-process tiles differ", p)
	}
	tilesS = time.Since(start).Seconds()
	start = time.Now()
	for range paths {
		status, _ := fetch("/healthz")
		require.Equal(t, http.StatusOK, status)
	}
	return tilesS, time.Since(start).Seconds()
}
