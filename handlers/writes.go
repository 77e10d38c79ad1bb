package handlers

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
	"kzmap/geo/dataset"
	"kzmap/geo/reader"
	"kzmap/geo/writes"
)

// Writes: OGC API – Features Part 4 (create, replace, delete), creating or
// replacing a whole collection by import, and a database snapshot. Every
// write is one call to the write service (geo/writes), which makes it
// durable, brings the derived data (region event counts, the search index,
// cached tiles) and the change feed up to date, and only then returns; the
// client is answered after it.

// Part 4 conformance classes, listed when writes are enabled.
var writeConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

// snapshotter copies the whole database consistently; *store.Store is one.
type snapshotter interface {
	Snapshot(w io.Writer) error
}

// defaultWrites is the write service of a Config without one: writing to
// the store when it is a geo.Writer, with the followers kzmap serve has.
func (s *server) defaultWrites() *writes.Service {
	w, ok := s.Store.(geo.Writer)
	if !ok {
		return nil
	}
	var fs []writes.Follower
	if d, ok := s.Store.(dataset.CountStore); ok {
		fs = append(fs, dataset.NewCounts(d, s.Log))
	}
	if ix, ok := s.Names.(writes.NameIndex); ok {
		fs = append(fs, writes.NewNames(ix, s.Store))
	}
	fs = append(fs, writes.NewTileCache(s.Tiles), writes.NewFeed(s.Changes))
	return writes.New(w, s.Log, fs...)
}

// writer returns the write service when writes are enabled.
func (s *server) writer() (*writes.Service, bool) {
	if s.Token == "" || s.Writes == nil {
		return nil, false
	}
	return s.Writes, true
}

func (s *server) writesEnabled() bool {
	_, ok := s.writer()
	return ok
}

// authorize admits a write: 405 (with Allow) when the server takes no
// writes, 401 unless the request carries the bearer token.
func (s *server) authorize(c echo.Context, allow []string) (*writes.Service, error) {
	w, ok := s.writer()
	if !ok {
		c.Response().Header().Set(echo.HeaderAllow, allowHeader(allow))
		req := c.Request()
		return nil, echo.NewHTTPError(http.StatusMethodNotAllowed, fmt.Sprintf(
			"method %s is not allowed on %s: this server takes no writes; start it with a token (KZMAP_TOKEN) to enable them",
			req.Method, req.URL.Path))
	}
	if !s.tokenOK(c.Request().Header.Get(echo.HeaderAuthorization)) {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="kzmap"`)
		return nil, echo.NewHTTPError(http.StatusUnauthorized, "writes need the header Authorization: Bearer <token>")
	}
	return w, nil
}

// tokenOK compares the bearer token in constant time. Hashing first makes
// the time independent of the lengths too.
func (s *server) tokenOK(header string) bool {
	const scheme = "bearer "
	if len(header) <= len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(header[len(scheme):])))
	want := sha256.Sum256([]byte(s.Token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// readBody checks the media type (415) and size (413) of a write body.
func (s *server) readBody(c echo.Context) ([]byte, error) {
	req := c.Request()
	ct := req.Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != ContentTypeGeoJSON && mt != ContentTypeJSON) {
		return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType,
			fmt.Sprintf("Content-Type %q: send application/geo+json or application/json", clip(ct)))
	}
	max := s.maxBody()
	tooLarge := tooLarge(max)
	if req.ContentLength > max {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(req.Body, max+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		return nil, echo.NewHTTPError(http.StatusBadRequest, "reading the body: "+err.Error()).SetInternal(err)
	}
	if int64(len(b)) > max {
		return nil, tooLarge
	}
	return b, nil
}

// Defaults of the write limits (flags of kzmap serve).
const (
	DefaultMaxBody     = 10 << 20 // bytes of a write body
	DefaultMaxVertices = 100_000  // positions of one feature's geometry
)

// parseBody reads a write body, a Feature or a FeatureCollection of
// located features (reader.DecodeGeoJSON's strictest form); a fault is a
// 400 naming the feature and member.
func (s *server) parseBody(c echo.Context) ([]*geo.Feature, bool, error) {
	b, err := s.readBody(c)
	if err != nil {
		return nil, false, err
	}
	doc, err := reader.DecodeGeoJSON(b, reader.GeoJSONOptions{MaxVertices: s.MaxVertices})
	var ge *reader.GeoJSONError
	if errors.As(err, &ge) {
		return nil, false, echo.NewHTTPError(http.StatusBadRequest, ge.Detail()).SetInternal(err)
	}
	return doc.Features, doc.Collection, err
}

func itemURL(c echo.Context, coll, fid string) string {
	return base(c) + "/collections/" + url.PathEscape(coll) + "/items/" + url.PathEscape(fid)
}

// storeWriteErr maps store errors of a write: invalid features are 400.
func storeWriteErr(err error, coll, fid string) error {
	if errors.Is(err, geo.ErrInvalid) {
		msg := strings.TrimPrefix(err.Error(), "store: ")
		return echo.NewHTTPError(http.StatusBadRequest, msg).SetInternal(err)
	}
	return storeErr(err, coll, fid)
}

// createItems answers POST /collections/{id}/items: a Feature, or a
// FeatureCollection created all or none. Features without an id get a
// NewFeatureID; one whose id exists is a 409 (PUT replaces).
func (s *server) createItems(c echo.Context) error {
	w, err := s.authorize(c, s.allowItems())
	if err != nil {
		return err
	}
	coll := pathParam(c, "collectionId")
	if _, err := s.Store.Collection(coll); err != nil {
		return storeErr(err, coll, "")
	}
	fs, isColl, err := s.parseBody(c)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.ID == "" {
			f.ID = NewFeatureID()
		}
	}
	chs, err := w.Create(coll, fs)
	var exists *writes.ExistsError
	if errors.As(err, &exists) {
		where := ""
		if isColl {
			where = fmt.Sprintf("feature %d: ", exists.Index)
		}
		return echo.NewHTTPError(http.StatusConflict,
			fmt.Sprintf("%sfeature %q already exists in %q; PUT %s replaces it", where, exists.ID, coll, itemURL(c, coll, exists.ID)))
	}
	if err != nil {
		return storeWriteErr(err, coll, "")
	}
	stored := s.written(chs)
	c.Response().Header().Set(echo.HeaderLocation, itemURL(c, coll, fs[0].ID))
	if !isColl {
		return c.Blob(http.StatusCreated, ContentTypeGeoJSON, stored[0].GeoJSON())
	}
	return c.Blob(http.StatusCreated, ContentTypeGeoJSON, storedCollection(stored))
}

// replaceItem answers PUT /collections/{id}/items/{fid}: 200 with the
// stored feature when it replaced one, 201 when it created it.
func (s *server) replaceItem(c echo.Context) error {
	w, err := s.authorize(c, s.allowItem())
	if err != nil {
		return err
	}
	coll, fid := pathParam(c, "collectionId"), pathParam(c, "featureId")
	if _, err := s.Store.Collection(coll); err != nil {
		return storeErr(err, coll, "")
	}
	if why := reader.BadFeatureID(fid); why != "" {
		return echo.NewHTTPError(http.StatusBadRequest, "feature id in the path: "+why)
	}
	fs, isColl, err := s.parseBody(c)
	if err != nil {
		return err
	}
	if isColl {
		return echo.NewHTTPError(http.StatusBadRequest, "PUT on an item takes one Feature, not a FeatureCollection")
	}
	f := fs[0]
	if f.ID != "" && f.ID != fid {
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("id: the body's id %q differs from the path's %q", clip(f.ID), clip(fid)))
	}
	f.ID = fid
	chs, err := w.Put(coll, f)
	if err != nil {
		return storeWriteErr(err, coll, fid)
	}
	stored := s.written(chs)
	status := http.StatusOK
	if chs[0].Op == geo.OpCreate {
		status = http.StatusCreated
		c.Response().Header().Set(echo.HeaderLocation, itemURL(c, coll, fid))
	}
	return c.Blob(status, ContentTypeGeoJSON, stored[0].GeoJSON())
}

// deleteItem answers DELETE /collections/{id}/items/{fid}: 204, or 404.
func (s *server) deleteItem(c echo.Context) error {
	w, err := s.authorize(c, s.allowItem())
	if err != nil {
		return err
	}
	coll, fid := pathParam(c, "collectionId"), pathParam(c, "featureId")
	ch, err := w.Delete(coll, fid)
	if err != nil {
		return storeWriteErr(err, coll, fid)
	}
	s.written([]geo.Change{ch})
	return c.NoContent(http.StatusNoContent)
}

// importCollection answers PUT /collections/{id}: the body's features
// become the whole collection, created (201) or replaced (200) in one
// transaction. ?title= names a new collection; an existing one keeps its
// metadata.
func (s *server) importCollection(c echo.Context) error {
	w, err := s.authorize(c, []string{http.MethodGet, http.MethodHead})
	if err != nil {
		return err
	}
	q, err := reqQuery(c)
	if err != nil {
		return err
	}
	if err := q.only("title"); err != nil {
		return err
	}
	coll := pathParam(c, "collectionId")
	fs, _, err := s.parseBody(c)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.ID == "" {
			f.ID = NewFeatureID()
		}
	}
	var created bool
	var meta geo.Collection
	chs, err := w.Import(coll, fs, true, func(old geo.Collection, exists bool) geo.Collection {
		created, meta = !exists, old
		if created {
			meta = geo.Collection{ID: coll, Title: coll, Rank: 10}
		}
		if t := q["title"]; t != "" {
			meta.Title = t
		}
		return meta
	})
	if err != nil {
		return storeWriteErr(err, coll, "")
	}
	s.written(chs)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		c.Response().Header().Set(echo.HeaderLocation, base(c)+"/collections/"+url.PathEscape(coll))
	}
	return writeJSONStatus(c, status, map[string]any{
		"id": coll, "title": meta.Title, "numberImported": len(fs),
		"links": []Link{{Href: base(c) + "/collections/" + url.PathEscape(coll) + "/items", Rel: "items", Type: ContentTypeGeoJSON}},
	})
}

func writeJSONStatus(c echo.Context, status int, v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	return c.Blob(status, ContentTypeJSON, b)
}

// written counts a client's writes in kzmap_writes_total and returns the
// features they stored, in order (deletes have none).
func (s *server) written(chs []geo.Change) []*geo.Feature {
	var stored []*geo.Feature
	for _, ch := range chs {
		s.countWrite(ch.Collection, string(ch.Op))
		if ch.Feature != nil {
			stored = append(stored, ch.Feature)
		}
	}
	return stored
}

// storedCollection encodes stored features as a FeatureCollection.
func storedCollection(fs []*geo.Feature) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(f.GeoJSON())
	}
	fmt.Fprintf(&b, `],"numberReturned":%d}`+"\n", len(fs))
	return []byte(b.String())
}

// snapshot answers GET /admin/snapshot to the token holder: a consistent
// copy of the database in BuntDB's file format, which `kzmap serve --db`
// opens. It is made into a temporary file first, so a slow download does
// not hold up writes.
func (s *server) snapshot(c echo.Context) error {
	if _, err := s.authorize(c, nil); err != nil {
		return err
	}
	sn, ok := s.Store.(snapshotter)
	if !ok {
		return echo.NewHTTPError(http.StatusNotImplemented, "this store cannot make snapshots")
	}
	tmp, err := os.CreateTemp("", "kzmap-snapshot-*.db")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := sn.Snapshot(tmp); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="kzmap-%s.db"`, time.Now().UTC().Format("20060102T150405Z")))
	h.Set(echo.HeaderCacheControl, "no-store")
	return c.Stream(http.StatusOK, "application/octet-stream", tmp)
}
