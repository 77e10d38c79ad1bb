// Package data holds kzmap's own data, embedded in the binary: the events of
// January 2022 taken from the RFE/RL report of 10 January 2022, and the name
// aliases that search uses. Boundary files are not here: they are source data
// under data/sources (see make data), never committed.
package data

import _ "embed"

// EventsGeoJSON is events.geojson: an RFC 7946 FeatureCollection, one Feature
// per event the article reports. Events placed only to a region or to the
// whole country have a null geometry and say so in "precision"; the dataset
// builder places them at import.
//
//go:embed events.geojson
var EventsGeoJSON []byte

// AliasesJSON is aliases.json: groups of equivalent place and person names,
// read by names.ParseAliases.
//
//go:embed aliases.json
var AliasesJSON []byte
