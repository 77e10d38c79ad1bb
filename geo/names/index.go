package names

import (
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
)

// Scores of the match tiers, best first. Hits of one tier are ordered by the
// rank of their collection, so a region comes before a district or centre
// that matches equally well.
const (
	ScoreExact     = 1.0  // a name's key equals the query's key
	ScoreAlias     = 0.8  // a name's key equals the key of an alias of the query
	ScorePrefix    = 0.5  // a name, or one of its words, starts with the query or an alias
	ScoreSubstring = 0.25 // a name contains the query or an alias
)

// minSubstring is the shortest key searched for inside names: shorter ones
// match almost everything.
const minSubstring = 3

// Hit is one feature found by Search. Name is the name that matched best.
type Hit struct {
	Collection, ID, Name string
	Score                float64
}

type name struct {
	text  string
	lit   string // literal(text)
	key   string
	words []string // keys of the name's words, for prefix matches inside it
}

type entry struct {
	collection, id string
	rank           int
	// kind is what the feature's names say it is (nameKind): the Almaty
	// region's "Алматинская" makes it a region, "Almaty (city)" a city.
	kind  string
	names []name
}

// Index finds features by name. Search may run from many goroutines at once;
// Add and Remove take a write lock.
type Index struct {
	aliases *Aliases

	mu      sync.RWMutex
	entries map[string]*entry
}

// NewIndex returns an empty index that expands queries with a (nil for none).
func NewIndex(a *Aliases) *Index {
	return &Index{aliases: a, entries: map[string]*entry{}}
}

func entryKey(collection, id string) string { return collection + "\x00" + id }

// Add indexes a feature under its names, replacing what was indexed for the
// same collection and id. Lower rank sorts first among equal matches. Names
// without letters or digits are skipped; with none left the feature is removed.
func (ix *Index) Add(collection string, rank int, id string, names ...string) {
	e := &entry{collection: collection, id: id, rank: rank}
	seen := map[string]bool{}
	kinds := map[string]bool{}
	for _, n := range names {
		k := Key(n)
		if k == "" || seen[n] {
			continue
		}
		seen[n] = true
		if nk := nameKind(n); nk != "" {
			kinds[nk] = true
		}
		nm := name{text: n, lit: literal(n), key: k}
		if toks := tokens(n); len(toks) > 1 {
			for _, t := range toks {
				if wk := Key(t); wk != "" && wk != k {
					nm.words = append(nm.words, wk)
				}
			}
		}
		e.names = append(e.names, nm)
	}
	if len(kinds) == 1 {
		for k := range kinds {
			e.kind = k
		}
	}
	ek := entryKey(collection, id)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if len(e.names) == 0 {
		delete(ix.entries, ek)
		return
	}
	ix.entries[ek] = e
}

// Remove drops a feature from the index; removing an absent one does nothing.
func (ix *Index) Remove(collection, id string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	delete(ix.entries, entryKey(collection, id))
}

// Clear empties the index.
func (ix *Index) Clear() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	clear(ix.entries)
}

// Len returns how many features are indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.entries)
}

// Search returns the features with a name matching q, best first: exact key
// match, then alias match, then prefix, then substring; within a tier by
// rank, then features of the kind q asks for (a city or a region, see
// queryKind), then features with a name equal to q as typed (up to case),
// then name, then id. Each feature appears once. limit <= 0 returns every
// hit.
func (ix *Index) Search(q string, limit int) []Hit {
	qk := Key(q)
	if qk == "" {
		return nil
	}
	alts := ix.aliases.Expand(qk)
	altSet := make(map[string]bool, len(alts))
	for _, a := range alts {
		altSet[a] = true
	}
	needles := append([]string{qk}, alts...)

	// kind breaks ties between features of one rank whose keys match
	// equally: "Almaty" and "Almaty (city)" find the city before the Almaty
	// region, "Алматинская область" the region before the city. literal
	// breaks the ties kind leaves.
	kind := ix.queryKind(q, qk)
	lq := literal(q)
	type scored struct {
		Hit
		rank    int
		fit     int
		literal bool
	}
	var hits []scored
	ix.mu.RLock()
	for _, e := range ix.entries {
		h := scored{Hit: Hit{Collection: e.collection, ID: e.id}, rank: e.rank, fit: kindFit(kind, e.kind)}
		for _, n := range e.names {
			s := score(n, qk, altSet, needles)
			if s > h.Score {
				h.Score, h.Name, h.literal = s, n.text, false
			}
			if s == h.Score && !h.literal && s > 0 && n.lit == lq {
				h.Name, h.literal = n.text, true
			}
		}
		if h.Score > 0 {
			hits = append(hits, h)
		}
	}
	ix.mu.RUnlock()

	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		switch {
		case a.Score != b.Score:
			return a.Score > b.Score
		case a.rank != b.rank:
			return a.rank < b.rank
		case a.fit != b.fit:
			return a.fit > b.fit
		case a.literal != b.literal:
			return a.literal
		case a.Name != b.Name:
			return a.Name < b.Name
		case a.ID != b.ID:
			return a.ID < b.ID
		}
		return a.Collection < b.Collection
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Hit, len(hits))
	for i, h := range hits {
		out[i] = h.Hit
	}
	return out
}

// queryKind is the kind of place q asks for: what its own words say
// ("Almaty Region", "Алматы қаласы"), else what the aliases say a bare name
// with q's key qk means ("Almaty" is the city), else "".
func (ix *Index) queryKind(q, qk string) string {
	if k := nameKind(q); k != "" {
		return k
	}
	return ix.aliases.kind(qk)
}

// literal is s as typed, up to case, Unicode normalisation and spacing.
func literal(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ")
}

func score(n name, qk string, alts map[string]bool, needles []string) float64 {
	if n.key == qk {
		return ScoreExact
	}
	if alts[n.key] {
		return ScoreAlias
	}
	for _, nd := range needles {
		if strings.HasPrefix(n.key, nd) {
			return ScorePrefix
		}
		for _, w := range n.words {
			if strings.HasPrefix(w, nd) {
				return ScorePrefix
			}
		}
	}
	for _, nd := range needles {
		if len(nd) >= minSubstring && strings.Contains(n.key, nd) {
			return ScoreSubstring
		}
	}
	return 0
}
