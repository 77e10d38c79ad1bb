package store

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// recompute sets the derived fields of c from its features.
func recompute(c *geo.Collection, entries []*entry) {
	c.Count = len(entries)
	c.Bound = orb.Bound{}
	types := map[string]bool{}
	fields := map[string]string{}
	for i, e := range entries {
		if i == 0 {
			c.Bound = e.bound
		} else {
			c.Bound = c.Bound.Union(e.bound)
		}
		types[e.f.Geometry.GeoJSONType()] = true
		for k, v := range e.f.Properties {
			fields[k] = mergeType(fields[k], jsonType(v))
		}
	}
	if len(entries) > 0 {
		c.GeometryType = geometryType(types)
	}
	c.Fields = make([]geo.Field, 0, len(fields))
	for k, t := range fields {
		if t == "" {
			t = "string" // only nulls seen
		}
		c.Fields = append(c.Fields, geo.Field{Name: k, Type: t})
	}
	sort.Slice(c.Fields, func(i, j int) bool { return c.Fields[i].Name < c.Fields[j].Name })
}

// geometryType names the collection's geometry: the one type, its multi
// form when single and multi parts mix (what ogr2ogr calls promoting to
// multi), or "Geometry".
func geometryType(types map[string]bool) string {
	if len(types) == 1 {
		for t := range types {
			return t
		}
	}
	if len(types) == 2 {
		for _, pair := range [][2]string{{"Point", "MultiPoint"}, {"LineString", "MultiLineString"}, {"Polygon", "MultiPolygon"}} {
			if types[pair[0]] && types[pair[1]] {
				return pair[1]
			}
		}
	}
	return "Geometry"
}

// jsonType names a property value's type. Stored properties are decoded
// JSON, so numbers are float64: whole numbers count as integers.
func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return "string"
	case bool:
		return "boolean"
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return "integer"
	case float32:
		return jsonType(float64(v))
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return "integer"
		}
		return "number"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	default:
		return "string"
	}
}

func mergeType(a, b string) string {
	switch {
	case a == "" || a == b:
		return b
	case b == "":
		return a
	case (a == "integer" && b == "number") || (a == "number" && b == "integer"):
		return "number"
	default:
		return "string"
	}
}

// text formats a property value for equality filters: strings as they are,
// numbers and booleans as JSON writes them (17, not 17.000000), null as "".
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return formatFloat(v)
	case float32:
		return formatFloat(float64(v))
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case json.Number:
		return v.String()
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

// formatFloat writes f as encoding/json does.
func formatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	b := strconv.AppendFloat(nil, f, fmt, -1, 64)
	if fmt == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return string(b)
}

// parseTime reads an RFC 3339 date or date-time. A date stands for its
// whole day (UTC), so an event dated 2022-01-05 overlaps 2022-01-05T12:00Z.
func parseTime(v any) (start, end time.Time, ok bool) {
	s, isString := v.(string)
	if !isString {
		return time.Time{}, time.Time{}, false
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, t.Add(24*time.Hour - time.Nanosecond), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, t, true
	}
	return time.Time{}, time.Time{}, false
}

// openEnd stands for an interval that has not ended.
var openEnd = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// entryTime sets e's time extent from the collection's time properties.
func entryTime(e *entry, c *geo.Collection) {
	e.hasTime = false
	if c.TimeStart == "" {
		return
	}
	s0, s1, ok := parseTime(e.f.Properties[c.TimeStart])
	if !ok {
		return
	}
	e.t0, e.t1, e.hasTime = s0, s1, true
	if c.TimeEnd == "" || c.TimeEnd == c.TimeStart {
		return
	}
	v, present := e.f.Properties[c.TimeEnd]
	if present && v == nil {
		// An explicit null end is still running (a boundary valid to this
		// day); an absent one makes the start an instant (or a day).
		e.t1 = openEnd
		return
	}
	if !present || v == "" {
		return
	}
	_, e1, ok := parseTime(v)
	if !ok || e1.Before(s0) {
		e.hasTime = false
		return
	}
	e.t1 = e1
}
