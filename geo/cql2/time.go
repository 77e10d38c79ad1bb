package cql2

import (
	"strings"
	"time"
)

// parseInstant reads an RFC 3339 date or date-time. kind is "DATE",
// "TIMESTAMP" or "" for either. A date lasts its whole day (UTC).
func parseInstant(l Loc, s, kind string) (*Time, error) {
	u := strings.ToUpper(s)
	if kind != "TIMESTAMP" && len(u) == len(time.DateOnly) {
		if t, err := time.Parse(time.DateOnly, u); err == nil {
			return &Time{Loc: l, Date: true, Start: t, End: endOfDay(t)}, nil
		}
	}
	if kind != "DATE" && strings.Contains(u, "T") {
		if t, err := time.Parse(time.RFC3339Nano, u); err == nil {
			t = t.UTC()
			return &Time{Loc: l, Start: t, End: t}, nil
		}
	}
	switch kind {
	case "DATE":
		return nil, errAt(l, "%s is not a date (2022-01-05)", clip(quote(s)))
	case "TIMESTAMP":
		return nil, errAt(l, "%s is not an RFC 3339 timestamp (2022-01-05T10:00:00Z)", clip(quote(s)))
	}
	return nil, errAt(l, "%s is not a date, a timestamp or '..'", clip(quote(s)))
}

func endOfDay(t time.Time) time.Time { return t.AddDate(0, 0, 1).Add(-time.Nanosecond) }
