package dataset

import (
	"fmt"

	"kzmap/geo"
	"kzmap/geo/names"
	"kzmap/geo/writes"
)

// NewSearchIndex returns an empty name index with the given aliases; a
// writes.Names follower fills it (Reset) and keeps it up to date.
func NewSearchIndex(aliasesJSON []byte) (*names.Index, error) {
	al, err := names.ParseAliases(aliasesJSON)
	if err != nil {
		return nil, fmt.Errorf("dataset: aliases: %w", err)
	}
	return names.NewIndex(al), nil
}

// SearchIndex indexes the names of every collection of st that declares
// search fields, with the given aliases.
func SearchIndex(st geo.Store, aliasesJSON []byte) (*names.Index, error) {
	ix, err := NewSearchIndex(aliasesJSON)
	if err != nil {
		return nil, err
	}
	if err := writes.NewNames(ix, st).Reset(); err != nil {
		return nil, err
	}
	return ix, nil
}
