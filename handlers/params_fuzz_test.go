package handlers

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// Fuzz targets for the params.go parsers that params_test.go does not
// fuzz on their own: offset, properties, the count and number parsers.

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"", "0", "00", "7", "2147483648", "2147483649", "-0", "-5", "+5", " 5", "5 ", "1e3", "0x10", "99999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseOffset(s)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "offset" {
				t.Fatalf("error %v is not an offset ParamError", err)
			}
			if len(pe.Reason) > 200 {
				t.Fatalf("reason of %d bytes quotes too much of the input", len(pe.Reason))
			}
			return
		}
		if n < 0 || n > MaxOffset {
			t.Fatalf("offset %d from %q", n, s)
		}
		// What is accepted is a plain decimal number, leading zeros allowed.
		if s != "" {
			if trimmed := strings.TrimLeft(s, "0"); trimmed != strconv.Itoa(n) && !(trimmed == "" && n == 0) {
				t.Fatalf("ParseOffset(%q) = %d", s, n)
			}
		}
	})
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "-", "", "18446744073709551616", "9223372036854775807", "١٢", "1_000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCount("limit", s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("negative count %d from %q", n, s)
		}
		for _, c := range []byte(s) {
			if c < '0' || c > '9' {
				t.Fatalf("accepted non-digit in %q", s)
			}
		}
		if n != math.MaxInt {
			if v, err := strconv.ParseUint(s, 10, 64); err != nil || int(v) != n {
				t.Fatalf("parseCount(%q) = %d", s, n)
			}
		}
	})
}

func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"1.5", " -3 ", "NaN", "nan", "Inf", "-Infinity", "1e309", "0x1p-2", "", "1,5", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseFloat("lon", "longitude", s)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "lon" {
				t.Fatalf("error %v is not a lon ParamError", err)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("non-finite %v from %q", v, s)
		}
	})
}

func FuzzParseProperties(f *testing.F) {
	for _, s := range []string{"", "a", "a,b", "a,,b", " a , a ", ",,,", "name_en,name_kk,name_ru", "\xff,x", strings.Repeat("p,", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		names := ParseProperties(s)
		if names == nil {
			t.Fatal("nil slice") // callers tell "none kept" from "not asked" by nil
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || strings.TrimSpace(n) != n || strings.Contains(n, ",") {
				t.Fatalf("name %q from %q", n, s)
			}
			if seen[n] {
				t.Fatalf("name %q repeated from %q", n, s)
			}
			seen[n] = true
			if !strings.Contains(s, n) {
				t.Fatalf("name %q not in %q", n, s)
			}
		}
	})
}
