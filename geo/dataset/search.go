package dataset

import (
	"fmt"

	"kzmap/geo"
	"kzmap/geo/names"
)

// SearchIndex indexes the names of every collection that declares search
// fields, with the given aliases.
func SearchIndex(st geo.Store, aliasesJSON []byte) (*names.Index, error) {
	al, err := names.ParseAliases(aliasesJSON)
	if err != nil {
		return nil, fmt.Errorf("dataset: aliases: %w", err)
	}
	ix := names.NewIndex(al)
	for _, c := range st.Collections() {
		if len(c.SearchFields) == 0 {
			continue
		}
		page, err := st.Items(c.ID, geo.Query{})
		if err != nil {
			return nil, err
		}
		for _, f := range page.Features {
			ix.Add(c.ID, c.Rank, f.ID, FeatureNames(c, f)...)
		}
	}
	return ix, nil
}

// FeatureNames returns the non-empty values of a collection's search fields.
func FeatureNames(c geo.Collection, f *geo.Feature) []string {
	var ns []string
	for _, k := range c.SearchFields {
		if s := f.String(k); s != "" {
			ns = append(ns, s)
		}
	}
	return ns
}
