package handlers

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"kzmap/geo/changes"
)

// ContentTypeEventStream is the media type of Server-Sent Events.
const ContentTypeEventStream = "text/event-stream"

// KeepAlive is how often an idle change stream gets a comment line, so
// that proxies and clients do not time it out.
const KeepAlive = 15 * time.Second

// changeEvent is the data of one SSE event.
type changeEvent struct {
	Op         string          `json:"op"`
	Collection string          `json:"collection"`
	ID         string          `json:"id"`
	Time       string          `json:"time"`
	Href       string          `json:"href"`
	Feature    json.RawMessage `json:"feature,omitempty"`
	// Truncated: the feature is too large to send; GET href.
	Truncated bool `json:"truncated,omitempty"`
}

// changes answers GET /collections/{id}/changes as Server-Sent Events: one
// event per create, replace or delete of a feature of the collection (event
// name = op, id = the change id). A client resumes with the Last-Event-ID
// header (EventSource sends it when it reconnects) or ?lastEventId=. When
// the changes since then cannot all be replayed (too old, or from before a
// restart), a "reset" event comes first: reload the collection, then
// follow.
func (s *server) changes(c echo.Context) error {
	q, err := reqQuery(c)
	if err != nil {
		return err
	}
	if err := q.only("lastEventId"); err != nil {
		return err
	}
	coll := pathParam(c, "collectionId")
	if _, err := s.Store.Collection(coll); err != nil {
		return storeErr(err, coll, "")
	}
	last := c.Request().Header.Get("Last-Event-ID")
	if v, ok := q["lastEventId"]; ok {
		last = v
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ContentTypeEventStream)
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusOK)
	}
	sub, replay, gap, err := s.Changes.Subscribe(coll, last)
	if err != nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the server is shutting down")
	}
	defer sub.Close()
	// The stream outlives the server's write timeout by design.
	rc := http.NewResponseController(c.Response().Writer)
	_ = rc.SetWriteDeadline(time.Time{})

	w := c.Response()
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("retry: 2000\n\n")); err != nil {
		return nil
	}
	if gap {
		if _, err := w.Write([]byte("event: reset\ndata: {\"reason\":\"changes since Last-Event-ID are no longer kept; reload the collection\"}\n\n")); err != nil {
			return nil
		}
	}
	for _, ch := range replay {
		if err := s.writeChange(c, ch); err != nil {
			return nil
		}
	}
	w.Flush()
	tick := time.NewTicker(KeepAlive)
	defer tick.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return nil
			}
			w.Flush()
		case ch, ok := <-sub.C():
			if !ok {
				// Cut off (too slow) or shutting down: the client
				// reconnects with Last-Event-ID and catches up.
				return nil
			}
			if err := s.writeChange(c, ch); err != nil {
				return nil
			}
			// Send what is queued together, then flush once.
			for more := true; more; {
				select {
				case ch, ok := <-sub.C():
					if !ok {
						w.Flush()
						return nil
					}
					if err := s.writeChange(c, ch); err != nil {
						return nil
					}
				default:
					more = false
				}
			}
			w.Flush()
		}
	}
}

func (s *server) writeChange(c echo.Context, ch changes.Change) error {
	ev := changeEvent{Op: ch.Op, Collection: ch.Collection, ID: ch.Feature,
		Time: ch.Time.UTC().Format(time.RFC3339Nano), Href: itemURL(c, ch.Collection, ch.Feature)}
	if ch.Op != changes.OpDelete {
		if ch.GeoJSON != nil {
			ev.Feature = ch.GeoJSON
		} else {
			ev.Truncated = true
		}
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	buf := make([]byte, 0, len(data)+len(ch.ID)+len(ch.Op)+32)
	buf = append(buf, "id: "...)
	buf = append(buf, ch.ID...)
	buf = append(buf, "\nevent: "...)
	buf = append(buf, ch.Op...)
	buf = append(buf, "\ndata: "...)
	buf = append(buf, data...) // JSON has no raw newlines
	buf = append(buf, "\n\n"...)
	_, err = c.Response().Write(buf)
	return err
}
