package geo

import (
	"errors"

	"github.com/paulmach/orb"
)

// Errors a Store returns; check them with errors.Is.
var (
	ErrNoCollection = errors.New("geo: no such collection")
	ErrNoFeature    = errors.New("geo: no such feature")
	ErrInvalid      = errors.New("geo: invalid feature")
)

// Store keeps collections of features with a spatial index each. The BuntDB
// store (package store) implements it; a PostGIS store can later.
type Store interface {
	// Collections lists every collection, ordered by id.
	Collections() []Collection
	// Collection returns one collection's metadata or ErrNoCollection.
	Collection(id string) (Collection, error)
	// Import writes a whole collection in one transaction: on any error the
	// store is left as it was. With replace the collection's old features are
	// dropped first; without it, importing into an existing collection adds
	// and overwrites features by id.
	Import(c Collection, features []*Feature, replace bool) error
	// Feature returns one feature or ErrNoCollection / ErrNoFeature.
	Feature(collection, id string) (*Feature, error)
	// Items answers a query, ordered by feature id.
	Items(collection string, q Query) (Page, error)
	// Lookup returns the features whose geometry contains p, boundary included,
	// ordered by feature id.
	Lookup(collection string, p orb.Point) ([]*Feature, error)
	// Close releases the store.
	Close() error
}
