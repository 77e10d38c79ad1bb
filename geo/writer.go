package geo

// Writer is a Store that also takes single-feature writes (OGC API –
// Features Part 4). Every method returns only once the change is durable:
// a caller may acknowledge it to a client as soon as it returns nil.
// Errors are those of Store (ErrNoCollection, ErrNoFeature, and ErrInvalid
// for a feature that cannot be stored).
type Writer interface {
	Store
	// Put adds or replaces one feature of an existing collection.
	Put(collection string, f *Feature) error
	// PutMany adds or replaces features of an existing collection in one
	// transaction: all of them are written or none.
	PutMany(collection string, fs []*Feature) error
	// Delete removes one feature.
	Delete(collection, id string) error
}

// Deriver is a Store whose features can carry derived properties (values
// computed from other features, such as a region's count of events) that
// are kept apart from the stored features: setting them rewrites no
// geometry and writes nothing to disk. Reads show them as properties of
// the features; a write of the feature itself drops them, and whoever
// derives them sets them again.
type Deriver interface {
	// Derive sets properties of existing features of collection, by
	// feature id. Ids that are not in the collection are skipped.
	Derive(collection string, values map[string]map[string]any) error
}
