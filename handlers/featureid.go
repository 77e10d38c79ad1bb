package handlers

import "github.com/google/uuid"

// NewFeatureID returns an id for a feature posted without one: a UUID
// version 7 (RFC 9562). Its leading millisecond timestamp and, within a
// millisecond, uuid's 12-bit sub-millisecond sequence (strictly increasing
// within the process) make every id sort after all earlier ones, so the
// features of one request are listed in the order they were sent.
func NewFeatureID() string {
	// uuid.NewV7 fails only when crypto/rand does, which Go 1.24+ never
	// reports (it aborts the process instead).
	return uuid.Must(uuid.NewV7()).String()
}
