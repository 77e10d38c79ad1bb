package cql2

import "fmt"

// Limits every parser enforces, so that hostile input is a quick error
// rather than a stack overflow or a long parse. MaxInputBytes is exported
// for the HTTP layer to check a body or parameter before reading it whole.
const (
	// MaxInputBytes is the longest filter accepted, in bytes.
	MaxInputBytes = 1 << 20
	// MaxDepth is the deepest nesting of operators, parentheses and
	// geometry collections accepted.
	MaxDepth = 256
)

// SyntaxError is a filter that does not parse or does not type-check. Pos
// is a byte offset in cql2-text; Path, when set, is a JSON pointer into
// cql2-json (Pos is then a byte offset only for JSON syntax errors).
type SyntaxError struct {
	Pos  int
	Path string
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.Path != "" {
		return "at " + e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("at %d: %s", e.Pos, e.Msg)
}

func errAt(l Loc, format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: l.Pos, Path: l.Path, Msg: fmt.Sprintf(format, args...)}
}

// funcArity lists the standard functions with their argument counts.
var funcArity = map[string][2]int{
	"casei": {1, 1}, "accenti": {1, 1},
	"s_intersects": {2, 2}, "s_equals": {2, 2}, "s_disjoint": {2, 2}, "s_touches": {2, 2},
	"s_within": {2, 2}, "s_overlaps": {2, 2}, "s_crosses": {2, 2}, "s_contains": {2, 2},
	"t_after": {2, 2}, "t_before": {2, 2}, "t_contains": {2, 2}, "t_disjoint": {2, 2},
	"t_during": {2, 2}, "t_equals": {2, 2}, "t_finishedby": {2, 2}, "t_finishes": {2, 2},
	"t_intersects": {2, 2}, "t_meets": {2, 2}, "t_metby": {2, 2}, "t_overlappedby": {2, 2},
	"t_overlaps": {2, 2}, "t_startedby": {2, 2}, "t_starts": {2, 2},
	"a_equals": {2, 2}, "a_contains": {2, 2}, "a_containedby": {2, 2}, "a_overlaps": {2, 2},
}
