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
