// Package geo holds kzmap's normalised data model: features, collections,
// queries and the Store interface that every storage backend implements.
// Sub-packages read source files (reader), keep features (store), prepare
// polygons for fast exact tests (prepared), match names (names), build the
// default dataset (dataset), take writes and keep what derives from the
// features up to date (writes) and make map tiles (tiles). Nothing under geo/
// knows about HTTP.
package geo
