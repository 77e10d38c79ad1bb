package handlers

import (
	"io"
	"sync"
	"time"
)

// Batching of the access log (Config.AccessLog), as nginx's access_log
// buffer= and flush= do: a line per request written at once costs a system
// call per request, more than a cached tile's whole answer.
const (
	// LogFlushInterval is the longest an access log line waits in memory.
	LogFlushInterval = 100 * time.Millisecond
	// logBufferSize is how many bytes of lines are written in one go.
	logBufferSize = 32 << 10
)

// LogBuffer is an io.Writer for log lines that keeps them in memory and
// writes them to w in batches: when logBufferSize bytes are waiting, every
// LogFlushInterval, and on Flush and Close. slog handlers write one record
// per Write call, and a batch holds whole lines, so lines other writers send
// to the same file never land inside one. A full buffer is written before a
// Write returns: lines are delayed, never dropped. Safe for concurrent use.
type LogBuffer struct {
	mu     sync.Mutex
	w      io.Writer
	buf    []byte
	closed bool

	stop chan struct{}
	done chan struct{}
}

// NewLogBuffer returns a LogBuffer writing to w. Close it to write what is
// left and stop its timer.
func NewLogBuffer(w io.Writer) *LogBuffer {
	b := &LogBuffer{w: w, buf: make([]byte, 0, logBufferSize), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(LogFlushInterval)
	return b
}

func (b *LogBuffer) flushEvery(d time.Duration) {
	defer close(b.done)
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-tick.C:
			_ = b.Flush()
		}
	}
}

// Write keeps p (one or more whole lines) for the next batch; after Close
// it writes p at once.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	if len(b.buf)+len(p) > cap(b.buf) {
		err := b.flushLocked()
		if err == nil && len(p) > cap(b.buf) {
			return b.w.Write(p)
		}
		if len(b.buf)+len(p) > cap(b.buf) {
			// w failed and what it did not take still fills the buffer:
			// the buffer stays bounded, so this line is lost and said so.
			return 0, err
		}
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes the lines kept so far.
func (b *LogBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *LogBuffer) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	n, err := b.w.Write(b.buf)
	// What w did not take stays for the next flush (a short write, or a
	// transient error of a non-blocking pipe).
	b.buf = b.buf[:copy(b.buf, b.buf[n:])]
	return err
}

// Close writes the lines kept so far and stops batching: later writes go
// straight to w. It is safe to call more than once.
func (b *LogBuffer) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	err := b.flushLocked()
	b.mu.Unlock()
	close(b.stop)
	<-b.done
	return err
}
