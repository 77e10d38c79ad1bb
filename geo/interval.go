package geo

import "time"

// Interval is a closed time interval; a zero Start or End is an open end.
type Interval struct {
	Start, End time.Time
}

// Overlaps reports whether [s, e] meets the interval. A zero e means s is an instant.
func (iv Interval) Overlaps(s, e time.Time) bool {
	if e.IsZero() {
		e = s
	}
	if !iv.Start.IsZero() && e.Before(iv.Start) {
		return false
	}
	if !iv.End.IsZero() && s.After(iv.End) {
		return false
	}
	return true
}
