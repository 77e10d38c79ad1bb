// Package geo holds kzmap's normalised data model: features, collections,
// time intervals, queries, and the Store and Writer interfaces that every
// storage backend implements. Nothing under geo/ knows about HTTP.
//
// Sub-packages, one idea each:
//
//   - reader: reads source files (GeoJSON, ESRI Shapefile with its DBF and
//     code page) into features, validating as it goes;
//   - valid: checks feature geometries and repairs the defects of real
//     boundary files (self-crossing rings, spikes, shared edges, orientation),
//     so that everything stored and served is valid OGC simple features;
//   - store: keeps features in BuntDB (geo.Store, geo.Writer), with a spatial
//     grid, durable writes, backups and consistent snapshots;
//   - prepared: turns polygons into a form built once for fast exact
//     point-in-polygon and rectangle tests (look-ups, bbox queries);
//   - names: matches names across Kazakh, Russian and Latin spellings, with
//     aliases, and ranks features for name search;
//   - dataset: builds the default collections from the geokz boundaries and
//     the project's events, and keeps the per-region event counts;
//   - writes: the write service: every write goes through it, and what
//     derives from the features (region counts, the search index, cached
//     tiles, the change feed) follows from the geo.Change values it reports,
//     whether the write was made here or, applied from a change log,
//     elsewhere;
//   - changes: the in-process change feed writes publish to and followers
//     resume from;
//   - tiles: Mapbox Vector Tiles, TileJSON and the finished-tile cache;
//     tiles/raster draws PNG tiles, tiles/archive writes PMTiles and MBTiles;
//   - internal/plane: exact planar predicates shared by valid and tiles;
//     internal/topo: the polygon topology engine (crossing checks, noding,
//     loop splitting, tracing) that valid and tiles share;
//     internal/geokz and internal/bench: the shared test data and benchmark
//     workload; tiles/internal/world and tiles/internal/tiletest: Web
//     Mercator projection and tile test scaffolding.
package geo
