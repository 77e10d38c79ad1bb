// Package changes is kzmap's in-process change feed: writers publish every
// create, replace and delete in commit order; followers subscribe, per
// collection, and may resume after the last change they saw.
//
// Changes are numbered from 1 in each run of the process, and their ids
// carry the run ("<run>-<seq>"), so that an id from an earlier run is never
// mistaken for one of this run. The hub keeps the most recent changes in a
// ring: a follower that resumes from an id still in the ring gets exactly
// what it missed; one whose id is older, or from another run, is told to
// reload (Gap) and then follows live. Nothing is kept across restarts.
package changes

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Ops of a change.
const (
	OpCreate  = "create"
	OpReplace = "replace"
	OpDelete  = "delete"
)

// Change is one write to a feature.
type Change struct {
	Seq        uint64    `json:"-"`
	ID         string    `json:"-"` // "<run>-<seq>", the SSE event id
	Op         string    `json:"op"`
	Collection string    `json:"collection"`
	Feature    string    `json:"id"`
	Time       time.Time `json:"time"`
	// GeoJSON is the feature as stored after a create or replace (nil for
	// a delete, or when it is larger than the hub keeps).
	GeoJSON []byte `json:"-"`
}

// ErrClosed is returned by Subscribe once the hub is closed.
var ErrClosed = errors.New("changes: hub closed")

// Hub numbers changes and fans them out. It is safe for concurrent use;
// changes are numbered in the order Publish is called, so writers call it
// in commit order (kzmap serialises writes).
type Hub struct {
	run      string
	mu       sync.Mutex
	seq      uint64
	ring     []Change // ring[(seq-1) % len(ring)] holds change seq
	subs     map[*Sub]struct{}
	closed   bool
	subBuf   int
	maxBytes int

	// The ring holds at most keepBytes of GeoJSON: kept is what it
	// holds, and changes before seq trimmed have been stripped of theirs.
	keepBytes, kept int
	trimmed         uint64
}

// Options size a hub; zero values take the defaults.
type Options struct {
	// Keep is how many recent changes can be replayed (default 4096).
	Keep int
	// Buffer is how many changes a follower may lag behind before it is
	// cut off (it then reconnects and resumes from the ring; default 256).
	Buffer int
	// MaxFeatureBytes: larger features are published without their GeoJSON
	// (followers fetch them); default 64 KiB.
	MaxFeatureBytes int
	// KeepBytes bounds the GeoJSON the kept changes hold (default 16 MiB):
	// beyond it the oldest are kept without their feature, as if it were
	// larger than MaxFeatureBytes, so that large features (a region's
	// outline, republished whenever its counts change) do not fill memory.
	KeepBytes int
}

// New returns a hub. The run id is the start time in milliseconds, base 36.
func New(o Options) *Hub {
	if o.Keep <= 0 {
		o.Keep = 4096
	}
	if o.Buffer <= 0 {
		o.Buffer = 256
	}
	if o.MaxFeatureBytes <= 0 {
		o.MaxFeatureBytes = 64 << 10
	}
	if o.KeepBytes <= 0 {
		o.KeepBytes = 16 << 20
	}
	return &Hub{
		run:       strconv.FormatInt(time.Now().UnixMilli(), 36),
		ring:      make([]Change, o.Keep),
		subs:      map[*Sub]struct{}{},
		subBuf:    o.Buffer,
		maxBytes:  o.MaxFeatureBytes,
		keepBytes: o.KeepBytes,
	}
}

// Publish numbers c, keeps it for replay and hands it to the followers of
// its collection. A follower whose buffer is full is cut off rather than
// waited for: one slow reader must not hold up writes.
func (h *Hub) Publish(c Change) Change {
	if len(c.GeoJSON) > h.maxBytes {
		c.GeoJSON = nil
	}
	if c.Time.IsZero() {
		c.Time = time.Now().UTC()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	c.Seq = h.seq
	c.ID = h.run + "-" + strconv.FormatUint(c.Seq, 10)
	slot := &h.ring[(c.Seq-1)%uint64(len(h.ring))]
	h.kept += len(c.GeoJSON) - len(slot.GeoJSON)
	*slot = c
	h.trim()
	for s := range h.subs {
		if s.collection != c.Collection {
			continue
		}
		select {
		case s.ch <- c:
		default:
			h.drop(s)
		}
	}
	return c
}

// trim strips the GeoJSON of the oldest kept changes while the ring holds
// more than keepBytes of it. The newest change keeps its own. h.mu is held.
func (h *Hub) trim() {
	if oldest := h.seq - min(h.seq, uint64(len(h.ring))) + 1; h.trimmed < oldest {
		h.trimmed = oldest
	}
	for h.kept > h.keepBytes && h.trimmed < h.seq {
		c := &h.ring[(h.trimmed-1)%uint64(len(h.ring))]
		h.kept -= len(c.GeoJSON)
		c.GeoJSON = nil
		h.trimmed++
	}
}

// Last returns the id of the latest change, "" before the first.
func (h *Hub) Last() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.seq == 0 {
		return ""
	}
	return h.run + "-" + strconv.FormatUint(h.seq, 10)
}

// Sub is one follower of a collection.
type Sub struct {
	collection string
	ch         chan Change
	hub        *Hub
}

// C delivers the changes, in order. It is closed when the follower is cut
// off (too slow) or the hub closes.
func (s *Sub) C() <-chan Change { return s.ch }

// Close ends the subscription.
func (s *Sub) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.drop(s)
}

func (h *Hub) drop(s *Sub) {
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.ch)
	}
}

// Subscribe follows collection from after the change with id lastID ("" for
// only new changes). It returns the changes to replay first and whether
// there is a gap: lastID is from another run, malformed, or older than the
// ring, so the follower missed changes it cannot be given and should reload.
func (h *Hub) Subscribe(collection, lastID string) (s *Sub, replay []Change, gap bool, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, false, ErrClosed
	}
	if lastID != "" {
		from, ok := h.parse(lastID)
		oldest := uint64(1)
		if h.seq > uint64(len(h.ring)) {
			oldest = h.seq - uint64(len(h.ring)) + 1
		}
		switch {
		case !ok || from > h.seq:
			gap = true
		case from+1 < oldest:
			gap = true
			from = oldest - 1
		}
		if ok && from <= h.seq {
			for q := from + 1; q <= h.seq; q++ {
				if c := h.ring[(q-1)%uint64(len(h.ring))]; c.Collection == collection {
					replay = append(replay, c)
				}
			}
		}
	}
	s = &Sub{collection: collection, ch: make(chan Change, h.subBuf), hub: h}
	h.subs[s] = struct{}{}
	return s, replay, gap, nil
}

// parse reads "<run>-<seq>" of this run.
func (h *Hub) parse(id string) (uint64, bool) {
	run, seq, ok := strings.Cut(id, "-")
	if !ok || run != h.run {
		return 0, false
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	return n, err == nil
}

// Close ends every subscription (their channels close) and refuses new
// ones; Publish still numbers changes. Call it when the server shuts down,
// so that open event streams end.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		h.drop(s)
	}
}

// Subscribers returns how many followers are connected.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// String describes the hub for logs.
func (h *Hub) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return fmt.Sprintf("changes.Hub{run %s, seq %d, %d followers}", h.run, h.seq, len(h.subs))
}
