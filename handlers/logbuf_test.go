package handlers

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeLog records what reaches the underlying writer, one entry per Write.
type writeLog struct {
	mu    sync.Mutex
	calls []string
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls = append(w.calls, string(p))
	return len(p), nil
}

func (w *writeLog) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.calls, "")
}

func TestLogBuffer(t *testing.T) {
	t.Run("batches until the interval", func(t *testing.T) {
		w := &writeLog{}
		b := NewLogBuffer(w)
		defer b.Close()
		for i := range 10 {
			fmt.Fprintf(b, "line %d\n", i)
		}
		w.mu.Lock()
		if len(w.calls) > 1 { // the timer may have fired once meanwhile
			t.Errorf("%d writes for 10 short lines", len(w.calls))
		}
		w.mu.Unlock()
		deadline := time.Now().Add(20 * LogFlushInterval)
		for !strings.Contains(w.text(), "line 9\n") && time.Now().Before(deadline) {
			time.Sleep(LogFlushInterval / 4)
		}
		if !strings.Contains(w.text(), "line 9\n") {
			t.Errorf("lines not written after %v: %q", 20*LogFlushInterval, w.text())
		}
	})
	t.Run("a full buffer is written, whole lines only", func(t *testing.T) {
		w := &writeLog{}
		b := NewLogBuffer(w)
		defer b.Close()
		line := strings.Repeat("x", 999) + "\n"
		n := 3 * logBufferSize / len(line)
		for range n {
			b.Write([]byte(line))
		}
		b.Flush()
		w.mu.Lock()
		defer w.mu.Unlock()
		total := 0
		for _, c := range w.calls {
			if len(c)%len(line) != 0 || len(c) > logBufferSize {
				t.Fatalf("a write of %d bytes: not whole lines within the buffer", len(c))
			}
			total += len(c)
		}
		if total != n*len(line) || len(w.calls) > 4 {
			t.Errorf("%d bytes in %d writes, want %d in at most 4", total, len(w.calls), n*len(line))
		}
	})
	t.Run("a line longer than the buffer", func(t *testing.T) {
		w := &writeLog{}
		b := NewLogBuffer(w)
		defer b.Close()
		b.Write([]byte("a\n"))
		long := strings.Repeat("y", 2*logBufferSize) + "\n"
		b.Write([]byte(long))
		if got := w.text(); got != "a\n"+long {
			t.Errorf("got %d bytes, want the short line then the long one", len(got))
		}
	})
	t.Run("close writes what is left, then writes go through", func(t *testing.T) {
		var out bytes.Buffer
		b := NewLogBuffer(&out)
		b.Write([]byte("kept\n"))
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != "kept\n" {
			t.Errorf("after Close: %q", out.String())
		}
		b.Write([]byte("late\n"))
		if out.String() != "kept\nlate\n" {
			t.Errorf("after a late write: %q", out.String())
		}
		if err := b.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}
