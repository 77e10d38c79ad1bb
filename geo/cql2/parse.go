package cql2

import "fmt"

// Filter languages, as the filter-lang parameter names them. CQLText is
// what GDAL sends; it is read as cql2-text.
const (
	LangText    = "cql2-text"
	LangJSON    = "cql2-json"
	LangCQLText = "cql-text"
)

// Parse parses a filter in the named language ("" is cql2-text). An
// unknown language is an error that is not a *SyntaxError.
func Parse(lang, filter string) (Expr, error) {
	switch lang {
	case "", LangText, LangCQLText:
		return ParseText(filter)
	case LangJSON:
		return ParseJSON([]byte(filter))
	}
	return nil, fmt.Errorf("filter-lang %q is not %s or %s", lang, LangText, LangJSON)
}
