// What the map shows and where: plain data, no DOM, no Leaflet.

// Kazakhstan's bounds, [[south, west], [north, east]]: the first view.
export const KZ_BOUNDS = [[40.56, 46.49], [55.44, 87.36]];
export const MIN_ZOOM = 2;
export const MAX_ZOOM = 14;
export const DISTRICTS_FROM = 6; // districts are outlined from this zoom on

// The layers a permalink names, in its order, and those on by default.
export const LAYER_KEYS = ['regions', 'districts', 'regions-2024', 'events', 'osm'];
export const DEFAULT_LAYERS = ['regions', 'districts', 'events'];

// The collections a box selection can list, in the order offered.
export const COLLECTIONS = [
  ['districts', 'Districts (January 2022)'],
  ['regions', 'Regions (January 2022)'],
  ['regions-2024', 'Regions (since 2022)'],
  ['districts-2024', 'Districts (since 2022)'],
  ['centres', 'Regional centres'],
  ['events', 'Events'],
];

// What a search hit is, by its collection.
export const KIND = {
  regions: 'region, 2022',
  'regions-2024': 'region, since 2022',
  districts: 'district, 2022',
  'districts-2024': 'district, since 2022',
  centres: 'regional centre',
  events: 'event',
};

export const ATTR_GEOKZ = 'Boundaries: <a href="https://github.com/arodionoff/geokz">geokz</a> (A.&nbsp;Rodionov), ' +
  '<a href="https://creativecommons.org/licenses/by/4.0/">CC&nbsp;BY&nbsp;4.0</a>, after the Bureau of National Statistics of Kazakhstan';
export const ATTR_RFERL = 'Events: <a href="https://www.rferl.org/">RFE/RL</a>, 10&nbsp;January&nbsp;2022';
export const ATTR_OSM = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
