package handlers

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"kzmap/geo"
)

// Limits on the items and search parameters; the OpenAPI document states them.
const (
	DefaultLimit       = 10
	MaxLimit           = 10000
	DefaultSearchLimit = 10
	MaxSearchLimit     = 100
	MaxQueryLen        = 200 // runes in a search query
	MaxOffset          = 1 << 31
)

// CRS84 is the only CRS kzmap serves: WGS 84 longitude, latitude.
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// isCRS84 accepts the CRS84 URI and its safe CURIE form.
func isCRS84(s string) bool {
	return s == CRS84 || s == "[OGC:CRS84]" || s == "https://www.opengis.net/def/crs/OGC/1.3/CRS84"
}

// query is a request's query string, parsed strictly: malformed escapes,
// invalid UTF-8 and repeated parameters are the client's errors, not values
// to guess at.
type query map[string]string

func parseQuery(raw string) (query, error) {
	q := query{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		rk, rv, _ := strings.Cut(part, "=")
		k, err := url.QueryUnescape(rk)
		if err != nil {
			return nil, paramErr(clip(rk), "malformed percent-encoding in parameter name")
		}
		v, err := url.QueryUnescape(rv)
		if err != nil {
			return nil, paramErr(clip(k), "malformed percent-encoding in value")
		}
		if !utf8.ValidString(k) {
			return nil, paramErr(clip(strings.ToValidUTF8(k, "\uFFFD")), "parameter name is not valid UTF-8")
		}
		if !utf8.ValidString(v) {
			return nil, paramErr(clip(k), "value is not valid UTF-8")
		}
		if _, dup := q[k]; dup {
			return nil, paramErr(clip(k), "given more than once")
		}
		q[k] = v
	}
	return q, nil
}

// reqQuery parses the request's query string.
func reqQuery(c echo.Context) (query, error) {
	return parseQuery(c.Request().URL.RawQuery)
}

// only rejects any parameter not in allowed: OGC API – Features lets servers
// refuse unknown parameters, and a typo silently ignored (`limt=5`) returns
// the wrong data without a word.
func (q query) only(allowed ...string) error {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same request always gets the same answer
	for _, k := range keys {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
				break
			}
		}
		if !ok {
			return paramErr(clip(k), "unknown parameter (this path accepts %s)", strings.Join(allowed, ", "))
		}
	}
	return nil
}

// parseFloat parses one finite number.
func parseFloat(param, what, s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, paramErr(param, "%s is empty", what)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, paramErr(param, "%s %q is not a finite number", what, clip(s))
	}
	return v, nil
}

// clip shortens a client's value for quoting in an error message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// ParseBBox parses bbox=minLon,minLat,maxLon,maxLat (or six numbers with
// heights after each corner's latitude, which are checked and ignored). A west
// edge east of the east edge crosses the antimeridian and yields two boxes.
func ParseBBox(s string) ([]orb.Bound, error) {
	const p = "bbox"
	if s == "" {
		return nil, paramErr(p, "empty; want 4 numbers (minLon,minLat,maxLon,maxLat) or 6 (with heights)")
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, paramErr(p, "want 4 numbers (minLon,minLat,maxLon,maxLat) or 6 (with heights), got %d", len(parts))
	}
	v := make([]float64, len(parts))
	for i, part := range parts {
		f, err := parseFloat(p, "number "+strconv.Itoa(i+1), part)
		if err != nil {
			return nil, err
		}
		v[i] = f
	}
	if len(v) == 6 {
		if v[2] > v[5] {
			return nil, paramErr(p, "minimum height %g is above maximum height %g", v[2], v[5])
		}
		v = []float64{v[0], v[1], v[3], v[4]}
	}
	west, south, east, north := v[0], v[1], v[2], v[3]
	for _, lon := range []float64{west, east} {
		if lon < -180 || lon > 180 {
			return nil, paramErr(p, "longitude %g is outside -180..180", lon)
		}
	}
	for _, lat := range []float64{south, north} {
		if lat < -90 || lat > 90 {
			return nil, paramErr(p, "latitude %g is outside -90..90", lat)
		}
	}
	if south > north {
		return nil, paramErr(p, "south edge %g lies north of north edge %g", south, north)
	}
	if west > east {
		return []orb.Bound{
			{Min: orb.Point{west, south}, Max: orb.Point{180, north}},
			{Min: orb.Point{-180, south}, Max: orb.Point{east, north}},
		}, nil
	}
	return []orb.Bound{{Min: orb.Point{west, south}, Max: orb.Point{east, north}}}, nil
}

// parseCount parses a non-negative decimal integer; huge values saturate at
// math.MaxInt so that callers can clamp them.
func parseCount(param, s string) (int, error) {
	if s == "" {
		return 0, paramErr(param, "is empty")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			if i == 0 && c == '-' && len(s) > 1 {
				return 0, paramErr(param, "%q is negative", clip(s))
			}
			return 0, paramErr(param, "%q is not a whole number", clip(s))
		}
	}
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil {
		return math.MaxInt, nil // all digits: only too large
	}
	return int(n), nil
}

// ParseLimit parses limit: absent means DefaultLimit, 0 or less is refused and
// more than MaxLimit is clamped to it, as the standard says.
func ParseLimit(s string) (int, error) {
	return parseLimit("limit", s, DefaultLimit, MaxLimit)
}

func parseLimit(param, s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := parseCount(param, s)
	if err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, paramErr(param, "must be at least 1")
	}
	return min(n, max), nil
}

// ParseOffset parses offset: absent means 0.
func ParseOffset(s string) (int, error) {
	const p = "offset"
	if s == "" {
		return 0, nil
	}
	n, err := parseCount(p, s)
	if err != nil {
		return 0, err
	}
	if n > MaxOffset {
		return 0, paramErr(p, "%q is larger than %d", clip(s), MaxOffset)
	}
	return n, nil
}

// ParseDatetime parses the datetime parameter: an RFC 3339 date or date-time,
// or an interval start/end where either end may be ".." or empty (open).
// A date stands for its whole day (UTC): as a start it begins at 00:00, as an
// instant or end it lasts to the day's last nanosecond. Extreme ends such as
// 0000-01-01T00:00:00Z or 9999-12-31T00:00:00Z, which QGIS sends for open
// ends, are ordinary values here.
func ParseDatetime(s string) (*geo.Interval, error) {
	const p = "datetime"
	if s == "" {
		return nil, paramErr(p, "is empty")
	}
	a, b, isInterval := strings.Cut(s, "/")
	if !isInterval {
		t, day, err := parseInstant(a)
		if err != nil {
			return nil, err
		}
		end := t
		if day {
			end = endOfDay(t)
		}
		return &geo.Interval{Start: t, End: nonZeroEnd(end)}, nil
	}
	if strings.Contains(b, "/") {
		return nil, paramErr(p, "an interval has one '/', got %q", clip(s))
	}
	var iv geo.Interval
	if a != ".." && a != "" {
		t, _, err := parseInstant(a)
		if err != nil {
			return nil, err
		}
		iv.Start = t
	}
	if b != ".." && b != "" {
		t, day, err := parseInstant(b)
		if err != nil {
			return nil, err
		}
		if day {
			t = endOfDay(t)
		}
		iv.End = nonZeroEnd(t)
	}
	if !iv.Start.IsZero() && !iv.End.IsZero() && iv.Start.After(iv.End) {
		return nil, paramErr(p, "start %s is after end %s", a, b)
	}
	return &iv, nil
}

// parseInstant parses one RFC 3339 date or date-time, reporting whether it
// was a date (a whole day).
func parseInstant(s string) (time.Time, bool, error) {
	const p = "datetime"
	// RFC 3339 allows lower-case t and z; Go's parser wants upper case.
	u := strings.ToUpper(s)
	if len(u) == len("2006-01-02") {
		t, err := time.Parse(time.DateOnly, u)
		if err == nil {
			return t.UTC(), true, nil
		}
	} else if strings.Contains(u, "T") {
		t, err := time.Parse(time.RFC3339Nano, u)
		if err == nil {
			return t.UTC(), false, nil
		}
	}
	return time.Time{}, false, paramErr(p, "%q is not an RFC 3339 date (2022-01-05) or date-time (2022-01-05T10:00:00Z)", clip(s))
}

func endOfDay(t time.Time) time.Time {
	return t.AddDate(0, 0, 1).Add(-time.Nanosecond)
}

// nonZeroEnd keeps an end at exactly 0001-01-01T00:00:00Z from reading as an
// open end (geo.Interval's zero value).
func nonZeroEnd(t time.Time) time.Time {
	if t.IsZero() {
		return t.Add(time.Nanosecond)
	}
	return t
}

// ParseLonLat parses the lon and lat of a point look-up.
func ParseLonLat(lon, lat string) (orb.Point, error) {
	if lon == "" {
		return orb.Point{}, paramErr("lon", "is required")
	}
	if lat == "" {
		return orb.Point{}, paramErr("lat", "is required")
	}
	x, err := parseFloat("lon", "longitude", lon)
	if err != nil {
		return orb.Point{}, err
	}
	y, err := parseFloat("lat", "latitude", lat)
	if err != nil {
		return orb.Point{}, err
	}
	if x < -180 || x > 180 {
		return orb.Point{}, paramErr("lon", "longitude %g is outside -180..180", x)
	}
	if y < -90 || y > 90 {
		return orb.Point{}, paramErr("lat", "latitude %g is outside -90..90", y)
	}
	return orb.Point{x, y}, nil
}

// ParseProperties parses properties=a,b: the names to keep, in order,
// without blanks or repeats.
func ParseProperties(s string) []string {
	keep := []string{}
	seen := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		keep = append(keep, name)
	}
	return keep
}

// Search geometry forms: the whole feature, only its bounding box (as the
// feature's bbox member, geometry null), or neither.
const (
	SearchGeometryFull = "full"
	SearchGeometryBBox = "bbox"
	SearchGeometryNone = "none"
)

// ParseSearchGeometry reads /search's geometry parameter; empty means full.
func ParseSearchGeometry(s string) (string, error) {
	switch s {
	case "", SearchGeometryFull:
		return SearchGeometryFull, nil
	case SearchGeometryBBox, SearchGeometryNone:
		return s, nil
	}
	return "", paramErr("geometry", "must be full, bbox or none")
}

// ParseSearchQuery checks a search text: present, not blank, at most
// MaxQueryLen characters, no control characters.
func ParseSearchQuery(s string) (string, error) {
	const p = "q"
	if !utf8.ValidString(s) {
		return "", paramErr(p, "is not valid UTF-8")
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return "", paramErr(p, "is required and must not be blank")
	}
	if n := utf8.RuneCountInString(t); n > MaxQueryLen {
		return "", paramErr(p, "is %d characters long; at most %d are allowed", n, MaxQueryLen)
	}
	for _, r := range t {
		if r < 0x20 || r == 0x7f {
			return "", paramErr(p, "contains a control character")
		}
	}
	return t, nil
}
