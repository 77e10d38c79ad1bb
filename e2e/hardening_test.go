package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"kzmap/handlers"
)

// TestServeHardeningFlags starts the binary with the hardening flags set and
// checks each takes effect end to end.
func TestServeHardeningFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	srv := startServer(t, []string{"KZMAP_CORS=https://maps.example"}, "--db", ":memory:",
		"--rate", "1", "--burst", "3", "--max-body", "1", "--log-level", "info")

	// --max-body 1: a 2 MB body is refused before anything reads it.
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/healthz", bytes.NewReader(make([]byte, 2<<20)))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	// --cors from the environment.
	req, err = http.NewRequest(http.MethodGet, srv.URL+"/collections", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://maps.example")
	req.Header.Set("X-Request-Id", "hardening-1")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "https://maps.example", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "hardening-1", resp.Header.Get("X-Request-Id"))

	// --rate 1 --burst 3: the burst is spent (one request above), then 429s.
	codes := map[int]int{}
	var retry string
	for range 6 {
		resp, err := http.Get(srv.URL + "/collections")
		require.NoError(t, err)
		resp.Body.Close()
		codes[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			retry = resp.Header.Get("Retry-After")
			require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
		}
	}
	require.GreaterOrEqual(t, codes[http.StatusTooManyRequests], 3, "codes %v", codes)
	require.NotEmpty(t, retry)
	resp = getJSON(t, srv.URL+"/readyz", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, "probes are not limited")

	// The access log is JSON and carries the request id; its lines are
	// written in batches, at most handlers.LogFlushInterval late.
	found := func() bool {
		srv.mu.Lock()
		logs := srv.logs.String()
		srv.mu.Unlock()
		for _, line := range strings.Split(logs, "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["request_id"] == "hardening-1" {
				return m["path"] == "/collections" && m["status"] == float64(200)
			}
		}
		return false
	}
	require.Eventually(t, found, 20*handlers.LogFlushInterval, handlers.LogFlushInterval/4, "no access log line for request hardening-1")
}

// Bad hardening flags end serve at once with a one-line error and status 1.
func TestServeHardeningFlagErrors(t *testing.T) {
	bin := kzmapBinary(t)
	for _, args := range [][]string{
		{"--cors", "ftp://x.example"},
		{"--cors", "https://x.example/path"},
		{"--rate", "-1"},
		{"--rate", "NaN"},
		{"--max-body", "0"},
		{"--log-level", "loud"},
		{"--read-timeout", "0s"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", ":memory:"}, args...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee)
			require.Equal(t, 1, ee.ExitCode())
			msg := strings.TrimSpace(stderr.String())
			require.NotContains(t, msg, "\n")
			require.Contains(t, msg, strings.TrimPrefix(args[0], "-"))
		})
	}
}
