package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestParseBBox(t *testing.T) {
	tests := []struct {
		in   string
		want []orb.Bound
		err  string
	}{
		{"1,2,3,4", []orb.Bound{{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}}, ""},
		{"-180,-90,180,90", []orb.Bound{{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}}, ""},
		{"1,2,0,3,4,10", []orb.Bound{{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}}, ""},
		{"170,-10,-170,10", []orb.Bound{
			{Min: orb.Point{170, -10}, Max: orb.Point{180, 10}},
			{Min: orb.Point{-180, -10}, Max: orb.Point{-170, 10}}}, ""},
		{"5,5,5,5", []orb.Bound{{Min: orb.Point{5, 5}, Max: orb.Point{5, 5}}}, ""},
		{"", nil, "want 4"},
		{"1,2,3", nil, "got 3"},
		{"1,2,3,4,5", nil, "got 5"},
		{"1,2,3,x", nil, "number 4"},
		{"1,NaN,3,4", nil, "finite"},
		{"1,2,inf,4", nil, "finite"},
		{"1e309,2,3,4", nil, "finite"},
		{"1,-91,3,4", nil, "latitude"},
		{"1,2,3,90.0001", nil, "latitude"},
		{"-180.5,2,3,4", nil, "longitude"},
		{"1,4,3,2", nil, "south"},
		{"1,2,5,3,4,0", nil, "height"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBBox(tt.in)
			if tt.err != "" {
				var pe *ParamError
				if !errors.As(err, &pe) || pe.Param != "bbox" || !strings.Contains(pe.Reason, tt.err) {
					t.Fatalf("err = %v, want bbox error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) {
					t.Errorf("box %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseDatetime(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	ts := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t.UTC() }
	eod := func(s string) time.Time { return day(s).AddDate(0, 0, 1).Add(-time.Nanosecond) }
	tests := []struct {
		in         string
		start, end time.Time
		err        bool
	}{
		{"2022-01-05", day("2022-01-05"), eod("2022-01-05"), false},
		{"2022-01-05T10:00:00Z", ts("2022-01-05T10:00:00Z"), ts("2022-01-05T10:00:00Z"), false},
		{"2022-01-05T10:00:00.5+06:00", ts("2022-01-05T04:00:00.5Z"), ts("2022-01-05T04:00:00.5Z"), false},
		{"2022-01-02/2022-01-05", day("2022-01-02"), eod("2022-01-05"), false},
		{"../2022-01-05", time.Time{}, eod("2022-01-05"), false},
		{"/2022-01-05", time.Time{}, eod("2022-01-05"), false},
		{"2022-01-05/..", day("2022-01-05"), time.Time{}, false},
		{"2022-01-05/", day("2022-01-05"), time.Time{}, false},
		{"../..", time.Time{}, time.Time{}, false},
		{"2022-01-07/9999-12-31T00:00:00Z", day("2022-01-07"), ts("9999-12-31T00:00:00Z"), false},
		{"0000-01-01T00:00:00Z/2022-01-04", ts("0000-01-01T00:00:00Z"), eod("2022-01-04"), false},
		{"2022-01-05T00:00:00Z/2022-01-05T00:00:00Z", ts("2022-01-05T00:00:00Z"), ts("2022-01-05T00:00:00Z"), false},
		{"2022-01-05/2022-01-04", time.Time{}, time.Time{}, true},
		{"2022-01-05T00:00:01Z/2022-01-05T00:00:00Z", time.Time{}, time.Time{}, true},
		{"", time.Time{}, time.Time{}, true},
		{"..", time.Time{}, time.Time{}, true},
		{"2022", time.Time{}, time.Time{}, true},
		{"2022-1-5", time.Time{}, time.Time{}, true},
		{"2022-01-05 10:00:00Z", time.Time{}, time.Time{}, true},
		{"2022-01-05T10:00:00", time.Time{}, time.Time{}, true},
		{"a/b/c", time.Time{}, time.Time{}, true},
		{"2022-01-32", time.Time{}, time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			iv, err := ParseDatetime(tt.in)
			if tt.err {
				var pe *ParamError
				if !errors.As(err, &pe) || pe.Param != "datetime" {
					t.Fatalf("err = %v, want a datetime ParamError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !iv.Start.Equal(tt.start) || !iv.End.Equal(tt.end) {
				t.Errorf("got %v – %v, want %v – %v", iv.Start, iv.End, tt.start, tt.end)
			}
		})
	}
}

func TestParseLimitOffset(t *testing.T) {
	tests := []struct {
		in        string
		limit     int
		limitErr  bool
		offset    int
		offsetErr bool
	}{
		{"", 10, false, 0, false},
		{"1", 1, false, 1, false},
		{"10000", 10000, false, 10000, false},
		{"10001", 10000, false, 10001, false},
		{"99999999999999999999999", 10000, false, 0, true},
		{"0", 0, true, 0, false},
		{"-1", 0, true, 0, true},
		{"+5", 0, true, 0, true},
		{"5 ", 0, true, 0, true},
		{"0x10", 0, true, 0, true},
		{"1e3", 0, true, 0, true},
		{"abc", 0, true, 0, true},
		{"007", 7, false, 7, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			l, err := ParseLimit(tt.in)
			if (err != nil) != tt.limitErr || (err == nil && l != tt.limit) {
				t.Errorf("ParseLimit = %d, %v", l, err)
			}
			o, err := ParseOffset(tt.in)
			if (err != nil) != tt.offsetErr || (err == nil && o != tt.offset) {
				t.Errorf("ParseOffset = %d, %v", o, err)
			}
		})
	}
}

func TestAcceptFormat(t *testing.T) {
	tests := []struct {
		accept string
		want   format
	}{
		{"", formatJSON},
		{"*/*", formatJSON},
		{"text/html", formatHTML},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", formatHTML},
		{"application/geo+json, application/json;q=0.9", formatJSON},
		{"text/*", formatHTML},
		{"text/html;q=0", formatJSON},
		{"application/json;q=0.1, text/html;q=0.2", formatHTML},
		{"garbage;;;", formatJSON},
		{"text/html;q=abc", formatHTML},
	}
	for _, tt := range tests {
		if got := acceptFormat(tt.accept); got != tt.want {
			t.Errorf("acceptFormat(%q) = %v, want %v", tt.accept, got, tt.want)
		}
	}
}

func TestWithQuery(t *testing.T) {
	tests := []struct{ raw, key, val, want string }{
		{"", "offset", "10", "offset=10"},
		{"limit=5", "offset", "10", "limit=5&offset=10"},
		{"offset=0&limit=5", "offset", "10", "limit=5&offset=10"},
		{"bbox=1%2C2%2C3%2C4&offset=5&x=a+b", "offset", "10", "bbox=1%2C2%2C3%2C4&x=a+b&offset=10"},
		{"of%66set=3&limit=5", "offset", "", "limit=5"},
		{"f=json&limit=5", "f", "html", "limit=5&f=html"},
	}
	for _, tt := range tests {
		if got := withQuery(tt.raw, tt.key, tt.val); got != tt.want {
			t.Errorf("withQuery(%q, %q, %q) = %q, want %q", tt.raw, tt.key, tt.val, got, tt.want)
		}
	}
}

// Fuzz targets: no input may panic, and what is accepted must satisfy the
// parser's promises.

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"1,2,3,4", "170,-10,-170,10", "1,2,0,3,4,1", "NaN,0,0,0", "1e400,0,0,0", ",,,", "-180,-90,180,90"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		boxes, err := ParseBBox(s)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "bbox" {
				t.Fatalf("error %v is not a bbox ParamError", err)
			}
			return
		}
		if len(boxes) < 1 || len(boxes) > 2 {
			t.Fatalf("%d boxes", len(boxes))
		}
		for _, b := range boxes {
			for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite %v", b)
				}
			}
			if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
				t.Fatalf("bad box %v from %q", b, s)
			}
		}
	})
}

func FuzzParseDatetime(f *testing.F) {
	for _, s := range []string{"2022-01-05", "2022-01-05T10:00:00Z", "../2022-01-05", "2022-01-07/9999-12-31T00:00:00Z",
		"0000-01-01T00:00:00Z/2022-01-04", "../..", "/", "2022-01-05/2022-01-04", "0001-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseDatetime(s)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "datetime" {
				t.Fatalf("error %v is not a datetime ParamError", err)
			}
			return
		}
		if iv == nil {
			t.Fatal("nil interval without error")
		}
		if !iv.Start.IsZero() && !iv.End.IsZero() && iv.Start.After(iv.End) {
			t.Fatalf("start %v after end %v for %q", iv.Start, iv.End, s)
		}
	})
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"", "0", "1", "10000", "10001", "-1", "abc", "99999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseLimit(s)
		if err == nil && (n < 1 || n > MaxLimit) {
			t.Fatalf("limit %d from %q", n, s)
		}
		o, err := ParseOffset(s)
		if err == nil && (o < 0 || o > MaxOffset) {
			t.Fatalf("offset %d from %q", o, s)
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a=%zz", "a=1&a=2", "%ff=1", "q=%ff", "&&=&", "bbox=1%2C2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parseQuery(raw)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ParamError", err)
			}
			return
		}
		// Dropping one parameter from the raw query, as next links do with
		// offset, keeps every other parameter and its value exactly.
		checked := 0
		for k := range q {
			if checked++; checked > 20 {
				break // the check is quadratic; a few keys make the point
			}
			rest, err := parseQuery(withQuery(raw, k, ""))
			if err != nil {
				t.Fatalf("withQuery(%q, %q) made a bad query: %v", raw, k, err)
			}
			if _, ok := rest[k]; ok || len(rest) != len(q)-1 {
				t.Fatalf("withQuery(%q, %q) = %v", raw, k, rest)
			}
			for k2, v2 := range rest {
				if q[k2] != v2 {
					t.Fatalf("withQuery(%q, %q) changed %q: %q → %q", raw, k, k2, q[k2], v2)
				}
			}
		}
	})
}

func FuzzParseLonLat(f *testing.F) {
	f.Add("55", "45")
	f.Add("NaN", "0")
	f.Add("181", "0")
	f.Add("0", "-90")
	f.Fuzz(func(t *testing.T, lon, lat string) {
		p, err := ParseLonLat(lon, lat)
		if err != nil {
			return
		}
		if !(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90) {
			t.Fatalf("point %v out of range", p)
		}
	})
}

func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"Алматы", "  a  ", "", "\xff", strings.Repeat("x", 201), "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseSearchQuery(s)
		if err != nil {
			return
		}
		if q == "" || len([]rune(q)) > MaxQueryLen || strings.TrimSpace(q) != q {
			t.Fatalf("accepted %q", q)
		}
	})
}

func FuzzAcceptFormat(f *testing.F) {
	f.Add("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	f.Add("application/json;q=x")
	f.Fuzz(func(t *testing.T, s string) {
		if got := acceptFormat(s); got != formatJSON && got != formatHTML {
			t.Fatalf("format %v", got)
		}
	})
}

// FuzzItemsQuery sends arbitrary query strings to the items and search
// paths: whatever arrives, the answer is never a 5xx.
func FuzzItemsQuery(f *testing.F) {
	for _, s := range []string{"bbox=50,40,60,50&limit=2", "datetime=2022-01-05/..", "type=city&offset=1",
		"properties=code&f=html", "bbox=179,-1,-179,1&datetime=0000-01-01T00:00:00Z/2022-01-04", "q=%ff&limit=-1"} {
		f.Add("/collections/regions/items", s)
		f.Add("/collections/events/items", s)
		f.Add("/search", s)
	}
	f.Add("/lookup", "lon=60&lat=45")
	e, _ := newTestServer(f)
	f.Fuzz(func(t *testing.T, path, raw string) {
		switch path {
		case "/collections/regions/items", "/collections/events/items", "/search", "/lookup", "/collections/regions/lookup":
		default:
			path = "/collections/events/items"
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s?%s: %d %s", path, raw, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != ContentTypeProblem {
			t.Fatalf("%s?%s: %d with %q", path, raw, rec.Code, rec.Header().Get("Content-Type"))
		}
	})
}

// A query string as long as net/http allows parses in linear time.
func BenchmarkParseQuery(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, "k%d=v%%20%d&", i, i)
	}
	raw := sb.String()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := parseQuery(raw); err != nil {
			b.Fatal(err)
		}
	}
}
