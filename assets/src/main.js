// kzmap's web map: Kazakhstan's regions shaded by the events of 2–10 January
// 2022, a timeline, search, point look-up, box selection and a permalink.
// Everything comes from the kzmap that served the page; the online base map
// is the one outside source, off unless the reader switches it on.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './style.css';
import { VectorTileLayer } from './mvt.js';
import { el, fmtDate, fmtDay, escapeHTML } from './dom.js';
import { eventPopup, groupPopup } from './popup.js';

export const DAYS = ['2022-01-02', '2022-01-03', '2022-01-04', '2022-01-05', '2022-01-06',
  '2022-01-07', '2022-01-08', '2022-01-09', '2022-01-10'];
const KZ = L.latLngBounds([40.56, 46.49], [55.44, 87.36]);
const LAYER_KEYS = ['regions', 'districts', 'regions-2024', 'events', 'osm'];
const DEFAULT_LAYERS = ['regions', 'districts', 'events'];
const DISTRICTS_FROM = 6; // districts are outlined from this zoom on
const COLLECTIONS = [
  ['districts', 'Districts (January 2022)'],
  ['regions', 'Regions (January 2022)'],
  ['regions-2024', 'Regions (since 2022)'],
  ['centres', 'Regional centres'],
  ['events', 'Events'],
];

const ATTR_GEOKZ = 'Boundaries: <a href="https://github.com/arodionoff/geokz">geokz</a> (A.&nbsp;Rodionov), ' +
  '<a href="https://creativecommons.org/licenses/by/4.0/">CC&nbsp;BY&nbsp;4.0</a>, after the Bureau of National Statistics of Kazakhstan';
const ATTR_RFERL = 'Events: <a href="https://www.rferl.org/">RFE/RL</a>, 10&nbsp;January&nbsp;2022';

// ---------------------------------------------------------------- state

const state = {
  date: null, // null: every day; else one of DAYS
  layers: new Set(DEFAULT_LAYERS),
  events: [], // GeoJSON features
  playing: null,
};

function parseHash() {
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  const out = {};
  const z = parseFloat(p.get('z'));
  const ll = (p.get('ll') || '').split(',').map(parseFloat);
  if (Number.isFinite(z) && ll.length === 2 && ll.every(Number.isFinite) &&
      Math.abs(ll[0]) <= 90 && Math.abs(ll[1]) <= 180) {
    out.zoom = Math.max(2, Math.min(14, z));
    out.center = L.latLng(ll[0], ll[1]);
  }
  if (DAYS.includes(p.get('d'))) out.date = p.get('d');
  if (p.has('l')) out.layers = p.get('l').split(',').filter((k) => LAYER_KEYS.includes(k));
  return out;
}

const initial = parseHash();
if (initial.date) state.date = initial.date;
if (initial.layers) state.layers = new Set(initial.layers);

// ---------------------------------------------------------------- map

// Phones get fractional zooms, so that the whole country fits their width;
// wider screens keep whole zooms, where tiles are drawn at their own scale.
const narrow = document.getElementById('kz-map').clientWidth < 640;
const map = L.map('kz-map', {
  minZoom: 2,
  maxZoom: 14,
  zoomSnap: narrow ? 0.25 : 1,
  keyboard: true,
});
map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
map.attributionControl.addAttribution(ATTR_RFERL);
map.createPane('kz-2024').style.zIndex = 360;
map.createPane('kz-districts').style.zIndex = 350;
map.createPane('kz-labels').style.zIndex = 450; // above the shading, below markers
map.getPane('kz-labels').style.pointerEvents = 'none';

if (initial.center) {
  map.setView(initial.center, initial.zoom, { animate: false });
} else {
  map.fitBounds(KZ, { animate: false, padding: [4, 4] });
}

// The optional online base map: off by default; if it cannot be reached the
// page stays whole (transparent tiles) and says so once.
const osm = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
  maxZoom: 14,
  attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  errorTileUrl: 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==',
  crossOrigin: true,
  className: 'kz-osm',
});
const osmNotice = el('p', { class: 'kz-notice', role: 'status', hidden: '' },
  'The online base map cannot be reached; everything else works without it.');
document.getElementById('kz-map').append(osmNotice);
osm.on('tileerror', () => { osmNotice.hidden = false; });
// Leaflet reports the stand-in image of a failed tile as loaded, too.
osm.on('tileload', (e) => { if (!e.tile.src.startsWith('data:')) osmNotice.hidden = true; });
osm.on('remove', () => { osmNotice.hidden = true; });

// Count of events per region code for the current date.
let counts = new Map();
let nationwide = 0;

function eventsOn(date) {
  return state.events.filter((f) => date === null || f.properties.date === date);
}

function recount() {
  counts = new Map();
  nationwide = 0;
  for (const f of eventsOn(state.date)) {
    const r = f.properties.region;
    if (r) counts.set(r, (counts.get(r) || 0) + 1);
    else nationwide++;
  }
}

// Sequential classes (ColorBrewer OrRd), readable in grey too.
const CLASSES = [
  { min: 0, label: 'none', fill: '#f7f4ef' },
  { min: 1, label: '1', fill: '#fdcc8a' },
  { min: 2, label: '2', fill: '#fc8d59' },
  { min: 3, label: '3 or more', fill: '#d7301f' },
];
function classOf(n) {
  let c = CLASSES[0];
  for (const k of CLASSES) if (n >= k.min) c = k;
  return c;
}

const regions = new VectorTileLayer({
  collection: 'regions',
  attribution: ATTR_GEOKZ,
  className: 'kz-regions',
  style: (p) => ({
    fill: classOf(counts.get(p.code) || 0).fill,
    fillOpacity: state.layers.has('osm') ? 0.55 : 0.9,
    stroke: '#6b5b4e',
    weight: 1.2,
  }),
});

const districts = new VectorTileLayer({
  collection: 'districts',
  minZoom: DISTRICTS_FROM,
  pane: 'kz-districts',
  attribution: ATTR_GEOKZ,
  className: 'kz-districts',
  style: () => ({ stroke: 'rgba(70,60,50,0.55)', weight: 0.7 }),
});

// The 2024 regions: outlines, and a hatch over the regions that did not exist
// in January 2022 (Abay, Zhetysu, Ulytau), told apart by their codes.
const regions2024 = new VectorTileLayer({
  collection: 'regions-2024',
  pane: 'kz-2024',
  attribution: ATTR_GEOKZ,
  className: 'kz-regions-2024',
  style: (p) => ({
    stroke: '#5b2a86',
    weight: 2,
    dash: [6, 4],
    hatch: isNewRegion(p.code) ? 'rgba(91,42,134,0.45)' : null,
  }),
});
const labels2024 = L.layerGroup();
let centres = []; // regional centres: where to label the new regions
function isNewRegion(code) {
  const old = regions.seen();
  return old.size >= 14 && code !== undefined && !old.has(code);
}
function drawLabels2024() {
  labels2024.clearLayers();
  for (const c of centres) {
    if (!isNewRegion(c.properties.region)) continue;
    const [lon, lat] = c.geometry.coordinates;
    L.tooltip({ permanent: true, direction: 'center', className: 'kz-label-2024', interactive: false, pane: 'kz-labels' })
      .setLatLng([lat, lon])
      .setContent(`${escapeHTML(c.properties.region_name)}<small>new in 2022</small>`)
      .addTo(labels2024);
  }
}
regions2024.on('load', () => { regions2024.restyle(); drawLabels2024(); });

// Events: one marker per place; the events reported only for the whole
// country share one marker, at the country's centre.
const eventsLayer = L.layerGroup();

const CLUSTER_PX = 30;

function renderEvents() {
  eventsLayer.clearLayers();
  const groups = [];
  const country = [];
  for (const f of eventsOn(state.date)) {
    if (!f.geometry || f.geometry.type !== 'Point') continue;
    if (f.properties.precision === 'country') { country.push(f); continue; }
    const [lon, lat] = f.geometry.coordinates;
    const pt = map.project([lat, lon]);
    // Events closer than CLUSTER_PX at this zoom share a marker.
    const g = groups.find((x) => x.pt.distanceTo(pt) < CLUSTER_PX);
    if (g) g.fs.push(f); else groups.push({ pt, latlng: L.latLng(lat, lon), fs: [f] });
  }
  if (country.length) {
    const [lon, lat] = country[0].geometry.coordinates;
    groups.push({ latlng: L.latLng(lat, lon), fs: country, country: true });
  }
  for (const g of groups) {
    const fs = g.fs;
    const claims = fs.filter((f) => f.properties.evidence === 'none produced').length;
    const label = g.country ? `${fs.length} nationwide` : String(fs.length);
    const title = g.country
      ? `${fs.length} events reported for the whole country`
      : `${fs.length} event${fs.length > 1 ? 's' : ''}: ${fs.map((f) => f.properties.title).join('; ')}`;
    const icon = L.divIcon({
      className: 'kz-marker' + (g.country ? ' kz-marker-country' : '') + (claims ? ' kz-marker-claim' : ''),
      html: `<span>${label}</span>`,
      iconSize: null,
    });
    const m = L.marker(g.latlng, { icon, title, alt: title, keyboard: true, riseOnHover: true });
    m.bindPopup(() => (fs.length === 1 ? eventPopup(fs[0]) : groupPopup(fs, g.country)),
      { maxWidth: 340, minWidth: 240, className: 'kz-popup', autoPanPadding: [20, 80] });
    m.kzEvents = fs.map((f) => f.id);
    eventsLayer.addLayer(m);
  }
}
map.on('zoomend', () => { if (state.events.length) renderEvents(); });

const overlays = {
  regions: [regions, 'Regions, January 2022 (shaded by events)'],
  districts: [districts, `Districts, January 2022 (from zoom ${DISTRICTS_FROM})`],
  'regions-2024': [regions2024, 'Regions since 2022 (Abay, Zhetysu, Ulytau split off)'],
  events: [eventsLayer, 'Events'],
};

function applyLayers() {
  for (const [key, [layer]] of Object.entries(overlays)) {
    if (state.layers.has(key) && !map.hasLayer(layer)) map.addLayer(layer);
    if (!state.layers.has(key) && map.hasLayer(layer)) map.removeLayer(layer);
  }
  if (state.layers.has('regions-2024')) labels2024.addTo(map); else labels2024.remove();
  if (state.layers.has('osm')) osm.addTo(map); else osm.remove();
}
applyLayers();

// The layers control lists the same layers; its check boxes drive state.
const layersControl = L.control.layers(
  { 'No base map (offline)': L.layerGroup(), 'OpenStreetMap (online)': osm },
  Object.fromEntries(Object.values(overlays).map(([l, name]) => [name, l])),
  { collapsed: true, position: 'topright' },
).addTo(map);
// Leaflet checks the first base layer only when it is on the map.
if (!state.layers.has('osm')) layersControl._layers[0].layer.addTo(map);
map.on('overlayadd overlayremove baselayerchange', (e) => {
  for (const [key, [layer]] of Object.entries(overlays)) {
    if (layer === e.layer) {
      if (e.type === 'overlayadd') state.layers.add(key); else state.layers.delete(key);
    }
  }
  if (e.type === 'baselayerchange') {
    if (e.layer === osm) state.layers.add('osm'); else state.layers.delete('osm');
    regions.restyle();
  }
  if (state.layers.has('regions-2024')) labels2024.addTo(map); else labels2024.remove();
  savePermalink();
});

// ---------------------------------------------------------------- legend

const legend = L.control({ position: narrow ? 'topright' : 'bottomleft' });
legend.onAdd = () => {
  const div = L.DomUtil.create('div', 'kz-legend');
  L.DomEvent.disableClickPropagation(div);
  return div;
};
legend.addTo(map);
function renderLegend() {
  const div = legend.getContainer();
  const when = state.date ? fmtDay(state.date) : '2–10 January';
  div.innerHTML = `<h2>Events by region, ${when}</h2>` +
    CLASSES.map((c) => `<div><i style="background:${c.fill}"></i>${c.label}</div>`).join('') +
    `<p>${nationwide} more reported for the whole country</p>` +
    (state.layers.has('regions-2024')
      ? '<div><i class="kz-legend-2024"></i>boundaries since 2022</div>' : '') +
    '<div><i class="kz-legend-claim"></i>claim, no evidence produced</div>';
}

// ---------------------------------------------------------------- panel

const panel = document.getElementById('kz-panel');
const panelBody = panel.querySelector('.kz-panel-body');
panel.querySelector('.kz-close').addEventListener('click', closePanel);
function openPanel(content) {
  panelBody.replaceChildren(content);
  panel.hidden = false;
  document.body.classList.add('kz-panel-open');
}
function closePanel() {
  lastLookup = null;
  panel.hidden = true;
  document.body.classList.remove('kz-panel-open');
  clickMarker.remove();
  selection.remove();
}
L.DomEvent.disableClickPropagation(panel);
L.DomEvent.disableScrollPropagation(panel);

function status(text) {
  document.getElementById('kz-status').textContent = text;
}

// ---------------------------------------------------------------- look-up

const clickMarker = L.circleMarker([0, 0], { radius: 6, color: '#1f4e79', weight: 2, fillOpacity: 0.3 });
let lookupCtl = null;

let lastLookup = null; // the point the look-up panel describes

async function lookup(latlng) {
  lastLookup = latlng;
  if (lookupCtl) lookupCtl.abort();
  lookupCtl = new AbortController();
  clickMarker.setLatLng(latlng).addTo(map);
  const lon = latlng.lng.toFixed(5), lat = latlng.lat.toFixed(5);
  openPanel(el('p', { class: 'kz-muted' }, 'Looking up…'));
  let ans;
  try {
    const resp = await fetch(`/lookup?lon=${lon}&lat=${lat}`, { signal: lookupCtl.signal });
    ans = await resp.json();
    if (!resp.ok) throw new Error(ans.detail || resp.statusText);
  } catch (err) {
    if (err.name === 'AbortError') return;
    openPanel(el('p', {}, `Look-up failed: ${err.message}`));
    return;
  }
  const by = Object.fromEntries(ans.results.map((r) => [r.collection, r.feature]));
  const names = (f) => (f
    ? el('span', { class: 'kz-names' },
      el('strong', { lang: 'en' }, f.name_en || f.code),
      el('span', { lang: 'kk' }, f.name_kk || ''),
      el('span', { lang: 'ru' }, f.name_ru || ''))
    : el('span', { class: 'kz-muted' }, 'outside Kazakhstan'));
  const row = (label, f) => el('tr', {}, el('th', { scope: 'row' }, label), el('td', {}, names(f)));
  const root = el('div', { class: 'kz-lookup', 'data-region': by.regions?.code || '' },
    el('h2', {}, 'This place'),
    el('p', { class: 'kz-muted' }, `${lat}° N, ${lon}° E`),
    el('table', {},
      el('caption', {}, 'In January 2022'),
      row('Region', by.regions),
      row('District', by.districts)),
    el('table', {},
      el('caption', {}, 'Today (boundaries since June 2022)'),
      row('Region', by['regions-2024'])));
  if (by.regions && by['regions-2024'] && by.regions.code !== by['regions-2024'].code) {
    root.append(el('p', { class: 'kz-note' },
      `Part of ${by.regions.name_en} in January 2022; in ${by['regions-2024'].name_en} since the 2022 reform.`));
  }
  const n = by.regions ? counts.get(by.regions.code) || 0 : 0;
  if (by.regions) {
    root.append(el('p', {}, `${n} event${n === 1 ? '' : 's'} reported in ${by.regions.name_en}` +
      (state.date ? ` on ${fmtDay(state.date)}.` : ' from 2 to 10 January.')));
  }
  openPanel(root);
}

// ---------------------------------------------------------------- box

const selection = L.rectangle([[0, 0], [0, 0]], { color: '#1f4e79', weight: 2, dashArray: '4 3', fillOpacity: 0.08, interactive: false });
let drawing = false;
let drawStart = null;

function startDrawing() {
  drawing = true;
  map.dragging.disable();
  map.getContainer().classList.add('kz-drawing');
  status('Drag a box on the map (Esc cancels).');
  drawButton.setAttribute('aria-pressed', 'true');
}
function stopDrawing() {
  drawing = false;
  drawStart = null;
  map.dragging.enable();
  map.getContainer().classList.remove('kz-drawing');
  drawButton.setAttribute('aria-pressed', 'false');
}
map.on('mousedown', (e) => {
  if (!drawing) return;
  drawStart = e.latlng;
  selection.setBounds(L.latLngBounds(drawStart, drawStart)).addTo(map);
});
map.on('mousemove', (e) => {
  if (drawing && drawStart) selection.setBounds(L.latLngBounds(drawStart, e.latlng));
});
let justDrew = false; // the click that ends a box is not a look-up
map.on('mouseup', (e) => {
  if (!drawing || !drawStart) return;
  const b = L.latLngBounds(drawStart, e.latlng);
  stopDrawing();
  justDrew = true;
  setTimeout(() => { justDrew = false; }, 0);
  status('');
  if (map.latLngToContainerPoint(b.getNorthWest()).distanceTo(map.latLngToContainerPoint(b.getSouthEast())) < 6) {
    selection.remove();
    status('');
    return;
  }
  selectBox(b);
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && drawing) { stopDrawing(); selection.remove(); status(''); }
});

const fmtBbox = (b) => [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(4)).join(',');

async function selectBox(bounds, collection = 'districts') {
  selection.setBounds(bounds).addTo(map);
  const bbox = fmtBbox(bounds);
  const select = el('select', { id: 'kz-sel-col', 'aria-label': 'Collection' },
    ...COLLECTIONS.map(([id, name]) => el('option', { value: id, selected: id === collection ? '' : null }, name)));
  const list = el('div', { class: 'kz-sel-list' }, el('p', { class: 'kz-muted' }, 'Loading…'));
  const download = el('button', { type: 'button', disabled: '' }, 'Download GeoJSON');
  openPanel(el('div', { class: 'kz-selection' },
    el('h2', {}, 'Features in the box'),
    el('p', { class: 'kz-muted' }, `bbox=${bbox}`),
    el('label', { for: 'kz-sel-col' }, 'Show '), select, list, download));
  select.addEventListener('change', () => selectBox(bounds, select.value));
  let fc;
  try {
    const resp = await fetch(`/collections/${collection}/items?bbox=${bbox}&limit=10000`, {
      headers: { Accept: 'application/geo+json' },
    });
    fc = await resp.json();
    if (!resp.ok) throw new Error(fc.detail || resp.statusText);
  } catch (err) {
    list.replaceChildren(el('p', {}, `Could not load the features: ${err.message}`));
    return;
  }
  const items = fc.features.map((f) => el('li', {},
    f.properties.name_en || f.properties.title || f.id,
    f.properties.date ? el('span', { class: 'kz-muted' }, ` ${fmtDate(f.properties)}`) : ''));
  list.replaceChildren(
    el('p', {}, `${fc.features.length} of ${fc.numberMatched ?? fc.features.length} ${collection} intersect the box.`),
    el('ol', {}, ...items));
  download.disabled = false;
  download.addEventListener('click', () => {
    const blob = new Blob([JSON.stringify({ type: 'FeatureCollection', features: fc.features })],
      { type: 'application/geo+json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: `kzmap-${collection}-${bbox}.geojson` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  });
}

// ---------------------------------------------------------------- tools

// Icons drawn inline: no icon font, nothing fetched.
const svg = (body) => `<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
const ICONS = {
  here: svg('<circle cx="12" cy="12" r="7"/><circle cx="12" cy="12" r="1.5" fill="currentColor"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3"/>'),
  box: svg('<rect x="4" y="6" width="16" height="12" stroke-dasharray="3 2"/>'),
  view: svg('<rect x="3" y="5" width="18" height="14"/><path d="M7 15l3-4 3 3 2-2 3 3"/>'),
  link: svg('<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>'),
};
function iconButton(label, icon) {
  const b = el('button', { type: 'button', title: label, 'aria-label': label });
  b.innerHTML = icon;
  return b;
}

const tools = L.control({ position: 'topleft' });
let drawButton;
tools.onAdd = () => {
  const div = L.DomUtil.create('div', 'leaflet-bar kz-tools');
  const here = iconButton('What is at the centre of the map?', ICONS.here);
  drawButton = iconButton('Draw a box to select features', ICONS.box);
  drawButton.setAttribute('aria-pressed', 'false');
  const view = iconButton('Select the features in the visible map', ICONS.view);
  const link = iconButton('Copy a link to this view', ICONS.link);
  here.addEventListener('click', () => lookup(map.getCenter()));
  drawButton.addEventListener('click', () => (drawing ? stopDrawing() : startDrawing()));
  view.addEventListener('click', () => selectBox(map.getBounds()));
  link.addEventListener('click', async () => {
    savePermalink();
    try {
      await navigator.clipboard.writeText(location.href);
      status('Link to this view copied.');
    } catch {
      status(`Link to this view: ${location.href}`);
    }
  });
  div.append(here, drawButton, view, link);
  L.DomEvent.disableClickPropagation(div);
  return div;
};
tools.addTo(map);

map.on('click', (e) => {
  if (!drawing && !justDrew) lookup(e.latlng);
});

// ---------------------------------------------------------------- search

const q = document.getElementById('kz-q');
const results = document.getElementById('kz-results');
const highlight = L.geoJSON(null, { style: { color: '#1f4e79', weight: 3, fill: false }, interactive: false });
let searchCtl = null;
let searchTimer = 0;
let hits = [];
let active = -1;
const KIND = { regions: 'region, 2022', 'regions-2024': 'region, since 2022', districts: 'district', centres: 'regional centre', events: 'event' };

q.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(search, 120);
});
q.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!hits.length) return;
    e.preventDefault();
    setActive((active + (e.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length);
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (hits.length) choose(hits[Math.max(active, 0)]);
    else search().then(() => hits.length && choose(hits[0]));
  } else if (e.key === 'Escape') {
    closeResults();
  }
});

async function search() {
  const text = q.value.trim();
  if (searchCtl) searchCtl.abort();
  if (!text) { closeResults(); return; }
  searchCtl = new AbortController();
  try {
    const resp = await fetch(`/search?q=${encodeURIComponent(text)}&limit=6`, {
      signal: searchCtl.signal, headers: { Accept: 'application/geo+json' },
    });
    const fc = await resp.json();
    if (!resp.ok) throw new Error(fc.detail || resp.statusText);
    hits = fc.features;
  } catch (err) {
    if (err.name === 'AbortError') return;
    hits = [];
  }
  active = -1;
  results.replaceChildren(...hits.map((f, i) => {
    const p = f.properties;
    const li = el('li', { role: 'option', id: `kz-hit-${i}`, 'aria-selected': 'false' },
      el('strong', {}, p.name_en || p.title || f.id), ' ',
      el('span', { class: 'kz-muted' }, [KIND[p.collection] || p.collection, p.name_kk, p.name_ru].filter(Boolean).join(' · ')));
    li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(f); });
    return li;
  }));
  if (!hits.length) results.replaceChildren(el('li', { class: 'kz-muted', role: 'option', 'aria-disabled': 'true' }, 'No place of that name'));
  results.hidden = false;
  q.setAttribute('aria-expanded', 'true');
}

function setActive(i) {
  active = i;
  [...results.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
  q.setAttribute('aria-activedescendant', `kz-hit-${i}`);
}

function closeResults() {
  results.hidden = true;
  q.setAttribute('aria-expanded', 'false');
  q.removeAttribute('aria-activedescendant');
}

function choose(f) {
  closeResults();
  q.value = f.properties.name_en || q.value;
  highlight.clearLayers();
  if (!f.geometry) return;
  highlight.addData(f).addTo(map);
  window.kzmap.selected = { collection: f.properties.collection, id: f.id, code: f.properties.code };
  // Tests and embedders wait on this: true until the flight ends.
  window.kzmap.flying = true;
  map.once('moveend', () => { window.kzmap.flying = false; });
  if (f.geometry.type === 'Point') {
    const [lon, lat] = f.geometry.coordinates;
    map.flyTo([lat, lon], Math.max(map.getZoom(), 9), { duration: 0.8 });
  } else {
    map.flyToBounds(highlight.getBounds(), { padding: [30, 30], maxZoom: 10, duration: 0.8 });
  }
  status(`${f.properties.name_en || f.id}: ${KIND[f.properties.collection] || ''}`);
}
q.addEventListener('blur', () => setTimeout(closeResults, 150));

// ---------------------------------------------------------------- timeline

const days = document.querySelector('.kz-days');
const play = document.getElementById('kz-play');

function renderTimeline() {
  const per = new Map(DAYS.map((d) => [d, 0]));
  for (const f of state.events) per.set(f.properties.date, (per.get(f.properties.date) || 0) + 1);
  const max = Math.max(1, ...per.values());
  const opt = (value, label, n, title) => {
    const id = `kz-day-${value || 'all'}`;
    const input = el('input', { type: 'radio', name: 'kz-day', id, value, checked: (state.date || '') === value ? '' : null });
    input.addEventListener('change', () => { stopPlaying(); setDate(value || null); });
    return el('label', { for: id, class: 'kz-day', title },
      input,
      n === null ? '' : el('span', { class: 'kz-bar', style: `height:${Math.round((n / max) * 22) + 2}px`, 'aria-hidden': 'true' }),
      el('span', { class: 'kz-day-label' }, label));
  };
  days.replaceChildren(
    opt('', 'All', null, `2–10 January: ${state.events.length} events`),
    ...DAYS.map((d) => opt(d, String(Number(d.slice(8))), per.get(d), `${fmtDay(d)}: ${per.get(d)} events`)));
}

function setDate(date) {
  state.date = date;
  const input = document.getElementById(`kz-day-${date || 'all'}`);
  if (input) input.checked = true;
  recount();
  regions.restyle();
  renderEvents();
  renderLegend();
  const n = eventsOn(date).length;
  status(date ? `${fmtDay(date)} 2022: ${n} event${n === 1 ? '' : 's'}` : `2–10 January 2022: all ${n} events`);
  map.closePopup();
  // The look-up panel counts the events of the date shown: keep it true.
  if (lastLookup && !panel.hidden && panel.querySelector('.kz-lookup')) lookup(lastLookup);
  savePermalink();
}

function stopPlaying() {
  if (!state.playing) return;
  clearInterval(state.playing);
  state.playing = null;
  play.textContent = '▶';
  play.title = 'Play';
  play.setAttribute('aria-label', 'Play the days one by one');
}
play.addEventListener('click', () => {
  if (state.playing) { stopPlaying(); return; }
  let i = state.date ? DAYS.indexOf(state.date) + 1 : 0;
  if (i >= DAYS.length) i = 0;
  setDate(DAYS[i]);
  state.playing = setInterval(() => {
    i++;
    if (i >= DAYS.length) { stopPlaying(); return; }
    setDate(DAYS[i]);
  }, 1200);
  play.textContent = '❚❚';
  play.title = 'Pause';
  play.setAttribute('aria-label', 'Pause');
});

// ---------------------------------------------------------------- permalink

let saveTimer = 0;
function savePermalink() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const c = map.getCenter();
    const p = new URLSearchParams();
    p.set('z', String(map.getZoom()));
    p.set('ll', `${c.lat.toFixed(4)},${c.lng.toFixed(4)}`);
    if (state.date) p.set('d', state.date);
    p.set('l', LAYER_KEYS.filter((k) => state.layers.has(k)).join(','));
    history.replaceState(null, '', `#${p.toString().replaceAll('%2C', ',')}`);
  }, 100);
}
map.on('moveend zoomend', savePermalink);
window.addEventListener('hashchange', () => {
  const h = parseHash();
  if (h.center) map.setView(h.center, h.zoom);
  if (h.layers) { state.layers = new Set(h.layers); applyLayers(); }
  setDate(h.date || null);
});

// ---------------------------------------------------------------- start

window.kzmap = {
  map,
  layers: { regions, districts, regions2024, events: eventsLayer, osm },
  state,
  ready: false,
  selected: null,
  // The ids of the events on the map now.
  visibleEvents: () => (map.hasLayer(eventsLayer) ? eventsLayer.getLayers().flatMap((m) => m.kzEvents) : []),
  // Events per region code for the date shown, as the shading uses them.
  counts: () => Object.fromEntries(counts),
  setDate: (d) => setDate(d),
  lookup: (lat, lon) => lookup(L.latLng(lat, lon)),
};

async function loadJSON(url) {
  const resp = await fetch(url, { headers: { Accept: 'application/geo+json' } });
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  return resp.json();
}

const regionsLoaded = map.hasLayer(regions)
  ? new Promise((resolve) => regions.once('load', resolve))
  : Promise.resolve();
const eventsLoaded = loadJSON('/collections/events/items?limit=1000').then((fc) => {
  state.events = fc.features;
  recount();
  renderTimeline();
  setDate(state.date);
});
loadJSON('/collections/centres/items?limit=100').then((fc) => {
  centres = fc.features;
  if (map.hasLayer(regions2024)) drawLabels2024();
}).catch(() => {});

renderLegend();
renderTimeline();
Promise.all([regionsLoaded, eventsLoaded]).then(() => {
  regions.restyle();
  window.kzmap.tti = Math.round(performance.now());
  window.kzmap.ready = true;
  document.body.dataset.ready = 'true';
  if (!state.layers.has('regions-2024')) return;
  regions2024.restyle();
  drawLabels2024();
}).catch((err) => {
  status(`The map could not load its data: ${err.message}`);
});
