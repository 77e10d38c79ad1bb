// kzmap's web map: Kazakhstan's regions shaded by the events of 2–10 January
// 2022, a timeline, search, point look-up, box selection and a permalink.
// Everything comes from the kzmap that served the page; the online base map
// is the one outside source, off unless the reader switches it on.
//
// This module builds the parts (one module each) and wires them together.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './style.css';
import { ATTR_RFERL, KZ_BOUNDS, MAX_ZOOM, MIN_ZOOM } from './lib/config.js';
import { dayStatus } from './lib/days.js';
import { parseHash } from './lib/permalink.js';
import { createState, recount, shown } from './state.js';
import { createLayers } from './layers.js';
import { EventsLayer } from './events.js';
import { LayerSwitch } from './layerswitch.js';
import { Legend } from './legend.js';
import { Panel, status } from './panel.js';
import { Lookup } from './lookup.js';
import { BoxSelect, Selection } from './selection.js';
import { Tools } from './tools.js';
import { Search } from './search.js';
import { Timeline } from './timeline.js';
import { Permalink } from './permalink.js';

const initial = parseHash(location.hash);
const state = createState(initial);

// Phones get fractional zooms, so that the whole country fits their width;
// wider screens keep whole zooms, where tiles are drawn at their own scale.
const narrow = document.getElementById('kz-map').clientWidth < 640;
const map = L.map('kz-map', {
  minZoom: MIN_ZOOM,
  maxZoom: MAX_ZOOM,
  zoomSnap: narrow ? 0.25 : 1,
  keyboard: true,
});
map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
map.attributionControl.addAttribution(ATTR_RFERL);
const events = new EventsLayer();
const layers = { ...createLayers(map, state), events };
if (initial.center) {
  map.setView(initial.center, initial.zoom, { animate: false });
} else {
  map.fitBounds(KZ_BOUNDS, { animate: false, padding: [4, 4] });
}

const showEvents = () => events.show(shown(state), map);
map.on('zoomend', () => { if (state.events.length) showEvents(); });

const permalink = new Permalink(map, state, (h) => {
  if (h.center) map.setView(h.center, h.zoom);
  if (h.layers) { state.layers = new Set(h.layers); layerSwitch.apply(); }
  setDate(h.date || null);
});

const legend = new Legend({ position: narrow ? 'topright' : 'bottomleft' });
const showLegend = () => legend.update({
  date: state.date, nationwide: state.nationwide, show2024: state.layers.has('regions-2024'),
});

const layerSwitch = new LayerSwitch(map, state, layers, (baseChanged) => {
  if (baseChanged) layers.regions.restyle(); // the shading is lighter over a base map
  showLegend(); // it marks the 2024 boundaries when they are on
  permalink.save();
});
layerSwitch.apply();
layerSwitch.addControl(); // the layers control above the legend
legend.addTo(map);

const panel = new Panel(document.getElementById('kz-panel'));
const lookup = new Lookup(map, panel, state);
const selection = new Selection(map, panel);
const tools = new Tools({
  here: () => lookup.at(map.getCenter()),
  draw: () => (box.enabled() ? box.disable() : box.enable()),
  view: () => selection.show(map.getBounds()),
  link: async () => {
    permalink.save();
    try {
      await navigator.clipboard.writeText(location.href);
      status('Link to this view copied.');
    } catch {
      status(`Link to this view: ${location.href}`);
    }
  },
});
const box = new BoxSelect(map, selection, { onToggle: (on) => tools.setDrawing(on) });
tools.addTo(map);
map.on('click', (e) => { if (!box.busy()) lookup.at(e.latlng); });

const api = {}; // window.kzmap, filled in below
new Search(map, document.getElementById('kz-q'), document.getElementById('kz-results'), {
  onChoose: (f) => { api.selected = { collection: f.properties.collection, id: f.id, code: f.properties.code }; },
  // Tests and embedders wait on this: true until the flight ends.
  onFlying: (on) => { api.flying = on; },
});

const timeline = new Timeline(document.querySelector('.kz-days'), document.getElementById('kz-play'), (d) => setDate(d));

// setDate shows the events of one day (null: every day) everywhere.
function setDate(date) {
  state.date = date;
  timeline.check(date);
  recount(state);
  layers.regions.restyle();
  showEvents();
  showLegend();
  status(dayStatus(date, shown(state).length));
  map.closePopup();
  // The look-up panel counts the events of the date shown: keep it true.
  lookup.refresh();
  permalink.save();
}

window.kzmap = Object.assign(api, {
  map,
  layers: { regions: layers.regions, districts: layers.districts, regions2024: layers.regions2024, events, osm: layers.osm },
  state,
  ready: false,
  selected: null,
  // The ids of the events on the map now.
  visibleEvents: () => (map.hasLayer(events) ? events.ids() : []),
  // Events per region code for the date shown, as the shading uses them.
  counts: () => Object.fromEntries(state.counts),
  setDate: (d) => setDate(d),
  lookup: (lat, lon) => lookup.at(L.latLng(lat, lon)),
});

async function loadJSON(url) {
  const resp = await fetch(url, { headers: { Accept: 'application/geo+json' } });
  if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
  return resp.json();
}

const regionsLoaded = map.hasLayer(layers.regions)
  ? new Promise((resolve) => layers.regions.once('load', resolve))
  : Promise.resolve();
const eventsLoaded = loadJSON('/collections/events/items?limit=1000').then((fc) => {
  state.events = fc.features;
  recount(state);
  timeline.render(state.events, state.date);
  setDate(state.date);
});
loadJSON('/collections/centres/items?limit=100').then((fc) => layers.setCentres(fc.features)).catch(() => {});

showLegend();
timeline.render(state.events, state.date);
timeline.check(state.date);
Promise.all([regionsLoaded, eventsLoaded]).then(() => {
  layers.regions.restyle();
  api.tti = Math.round(performance.now());
  api.ready = true;
  document.body.dataset.ready = 'true';
  if (!state.layers.has('regions-2024')) return;
  layers.regions2024.restyle();
  layers.drawLabels2024();
}).catch((err) => {
  status(`The map could not load its data: ${err.message}`);
});
