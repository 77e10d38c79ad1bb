package names

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
)

// ErrAliases reports an aliases file that cannot be used; check it with errors.Is.
var ErrAliases = errors.New("names: invalid aliases")

// Group is one set of equivalent names, as written in aliases.json.
type Group struct {
	// ID names the group in error messages and tests ("mangystau").
	ID string `json:"id"`
	// Kind is region, city, centre, person, …; region, city and centre also
	// tell search which of two places sharing a key a bare name means
	// ("Almaty" is the city, "Almaty Region" the region).
	Kind string `json:"kind,omitempty"`
	// Names are interchangeable: a query for any finds every other.
	Names []string `json:"names"`
	// Former are earlier names. A query for one finds the group's Names, but a
	// query for a current name does not reach them: Akmola finds Astana, while
	// Astana must not find the Akmola region.
	Former []string `json:"former,omitempty"`
}

// Aliases joins different names for the same place or person. The zero value
// and nil have no aliases. It is read-only after ParseAliases and safe for
// concurrent use.
type Aliases struct {
	groups []Group
	// current and former map a name key to the groups that hold it.
	current map[string][]int
	former  map[string][]int
	// keys holds each group's current-name keys, deduplicated.
	keys [][]string
	// bare maps the key of a current name without kind words ("Almaty",
	// not "Almaty Region" or "Алматинская") to the groups that hold it.
	bare map[string][]int
}

type aliasesFile struct {
	Description string  `json:"description,omitempty"`
	Groups      []Group `json:"groups"`
}

// maxAliasesSize bounds the input: the file is a hand-written list and a
// larger one is a mistake, not data.
const maxAliasesSize = 4 << 20

// ParseAliases reads aliases.json: {"groups": [{"id", "kind", "names",
// "former"}, …]}. Every group needs a unique id and at least one name, and
// every name must have a non-empty Key.
func ParseAliases(b []byte) (*Aliases, error) {
	if len(b) > maxAliasesSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrAliases, len(b), maxAliasesSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f aliasesFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAliases, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrAliases)
	}
	if f.Groups == nil {
		return nil, fmt.Errorf("%w: no \"groups\" array", ErrAliases)
	}
	a := &Aliases{
		groups:  f.Groups,
		current: map[string][]int{},
		former:  map[string][]int{},
		keys:    make([][]string, len(f.Groups)),
		bare:    map[string][]int{},
	}
	ids := map[string]int{}
	for i, g := range f.Groups {
		if g.ID == "" {
			return nil, fmt.Errorf("%w: group %d has no id", ErrAliases, i)
		}
		if j, dup := ids[g.ID]; dup {
			return nil, fmt.Errorf("%w: group %d: id %q already used by group %d", ErrAliases, i, g.ID, j)
		}
		ids[g.ID] = i
		if len(g.Names) == 0 {
			return nil, fmt.Errorf("%w: group %q has no names", ErrAliases, g.ID)
		}
		seen := map[string]bool{}
		for _, n := range g.Names {
			k := Key(n)
			if k == "" {
				return nil, fmt.Errorf("%w: group %q: name %q has no letters or digits", ErrAliases, g.ID, n)
			}
			if !seen[k] {
				seen[k] = true
				a.keys[i] = append(a.keys[i], k)
				a.current[k] = append(a.current[k], i)
			}
			if nameKind(n) == "" && !slices.Contains(a.bare[k], i) {
				a.bare[k] = append(a.bare[k], i)
			}
		}
		for _, n := range g.Former {
			k := Key(n)
			if k == "" {
				return nil, fmt.Errorf("%w: group %q: former name %q has no letters or digits", ErrAliases, g.ID, n)
			}
			if !seen[k] {
				a.former[k] = append(a.former[k], i)
			}
		}
	}
	return a, nil
}

// Groups returns the groups as parsed.
func (a *Aliases) Groups() []Group {
	if a == nil {
		return nil
	}
	return a.groups
}

// Expand returns the keys of every name equivalent to the key k, without k
// itself, sorted. A current name expands to its group's current names; a
// former name expands to the current names of the groups that once bore it.
func (a *Aliases) Expand(k string) []string {
	if a == nil || k == "" {
		return nil
	}
	set := map[string]bool{}
	for _, m := range [2]map[string][]int{a.current, a.former} {
		for _, gi := range m[k] {
			for _, ak := range a.keys[gi] {
				if ak != k {
					set[ak] = true
				}
			}
		}
	}
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for ak := range set {
		out = append(out, ak)
	}
	sort.Strings(out)
	return out
}

// kind returns the kind of place (kindCity, kindRegion) that a bare name
// with key k means in the groups: "Almaty" is a name of the city's group
// only, its region's group holding "Almaty Region" and "Алматинская". It is
// "" when no group holds such a bare name or the groups disagree.
func (a *Aliases) kind(k string) string {
	if a == nil {
		return ""
	}
	kind := ""
	for i, gi := range a.bare[k] {
		gk := groupKind(a.groups[gi].Kind)
		if i > 0 && gk != kind {
			return ""
		}
		kind = gk
	}
	return kind
}

// Has reports whether some group names s, currently or formerly.
func (a *Aliases) Has(s string) bool {
	if a == nil {
		return false
	}
	k := Key(s)
	return len(a.current[k]) > 0 || len(a.former[k]) > 0
}
