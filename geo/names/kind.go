package names

// Kinds of place a name can say it is. Almaty city and the Almaty region
// share a key, so only these words tell a query for one from the other.
const (
	kindCity   = "city"
	kindRegion = "region" // an oblast or a district: an area, not a town
)

// nameKind returns the kind of place the words of s say it is: city for
// "Almaty (city)" or "Алматы қаласы"; region for "Almaty Region",
// "Алматы облысы" or the adjective "Алматинская"; "" for a bare name such as
// "Almaty", or one whose words say both.
func nameKind(s string) string {
	kind := ""
	for _, t := range tokens(s) {
		f := fold(t)
		k := stopwords[f]
		if k == "" && adjectiveEnding(f) != "" {
			k = kindRegion
		}
		if k == "" {
			continue
		}
		if kind != "" && k != kind {
			return ""
		}
		kind = k
	}
	return kind
}

// groupKind maps an alias group's kind to the kind of place it names.
func groupKind(kind string) string {
	switch kind {
	case "city", "centre":
		return kindCity
	case "region":
		return kindRegion
	}
	return ""
}

// kindFit compares the kind a query asks for with a feature's: 1 when they
// agree, -1 when they differ, 0 when either is unknown.
func kindFit(query, feature string) int {
	switch {
	case query == "" || feature == "":
		return 0
	case query == feature:
		return 1
	}
	return -1
}
