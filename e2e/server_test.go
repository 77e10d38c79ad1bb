package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The tests in this package start the real binary, as a user would, and talk
// to it over HTTP (and through GDAL).

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// kzmapBinary builds the binary once per test run.
func kzmapBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kzmap-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "kzmap")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/kzmap").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// repoData is the repository's data folder; make data fills data/sources.
func repoData(t testing.TB) string {
	t.Helper()
	d, err := filepath.Abs("../data")
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(d, "sources", "kaz_admbnda_adm2_2018.shp")); err != nil {
		t.Fatalf("boundary files missing in %s/sources: run `make data` first", d)
	}
	return d
}

type server struct {
	URL  string
	cmd  *exec.Cmd
	logs *strings.Builder
	mu   sync.Mutex
}

// startServer runs `kzmap serve` on a free loopback port and waits until it answers.
func startServer(t testing.TB, env []string, args ...string) *server {
	t.Helper()
	bin := kzmapBinary(t)
	all := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", repoData(t)}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	s := &server{cmd: cmd, logs: &strings.Builder{}}
	cmd.Stderr = &lockedWriter{mu: &s.mu, w: s.logs}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			s.mu.Lock()
			t.Logf("server log:\n%s", s.logs.String())
			s.mu.Unlock()
		}
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "kzmap serving on "); ok {
				urlc <- u
			}
		}
	}()
	select {
	case s.URL = <-urlc:
	case <-time.After(60 * time.Second):
		s.mu.Lock()
		defer s.mu.Unlock()
		t.Fatalf("server did not start; log:\n%s", s.logs.String())
	}
	return s
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func getJSON(t testing.TB, url string, into any) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if into != nil {
		require.NoError(t, json.Unmarshal(b, into), "body of %s: %.300s", url, b)
	}
	return resp
}

// needOgrinfo returns the path of GDAL's ogrinfo; CI installs it, so there
// its absence is a failure, not a skip.
func needOgrinfo(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogrinfo not installed (CI installs gdal-bin in .ci/run)")
		}
		t.Skip("ogrinfo not installed (apt-get install gdal-bin)")
	}
	return p
}

var codeLine = regexp.MustCompile(`(?m)^\s+(?:code|ADM2_PCODE) \(String\) = (\S+)$`)

func codes(out []byte) []string {
	var cs []string
	for _, m := range codeLine.FindAllSubmatch(out, -1) {
		cs = append(cs, string(m[1]))
	}
	return cs
}
