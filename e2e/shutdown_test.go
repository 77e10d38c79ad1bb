package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestGracefulShutdown sends SIGTERM while a write is in flight (its body
// half sent): the server stops taking connections at once, waits for the
// request to finish, answers it, and exits 0.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	const token = "shutdown-test-token"
	srv := startServer(t, []string{"KZMAP_TOKEN=" + token}, "--db", ":memory:")
	host := strings.TrimPrefix(srv.URL, "http://")
	requireCapabilities(t, srv.URL)
	done := make(chan error, 1)
	go func() { done <- srv.cmd.Wait() }()

	body := `{"type":"Feature","geometry":{"type":"Point","coordinates":[76.95,43.24]},"properties":{"title":"in flight"}}`
	conn, err := net.Dial("tcp", host)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(60*time.Second)))
	_, err = fmt.Fprintf(conn, "POST /collections/events/items HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/geo+json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		host, token, len(body), body[:len(body)/2])
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // the server is now reading the body

	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	time.Sleep(500 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("server exited (%v) with a request in flight", err)
	default:
	}
	// No new connections while draining.
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Error("server still accepts connections after SIGTERM")
	}

	_, err = io.WriteString(conn, body[len(body)/2:])
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the in-flight request got no answer")
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", b)
	require.Contains(t, resp.Header.Get("Location"), "/collections/events/items/")

	select {
	case err := <-done:
		require.NoError(t, err, "exit status after SIGTERM")
		require.Equal(t, 0, srv.cmd.ProcessState.ExitCode())
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit after the request was answered")
	}
	srv.mu.Lock()
	logs := srv.logs.String()
	srv.mu.Unlock()
	require.Contains(t, logs, `"msg":"shutting down"`)
}
