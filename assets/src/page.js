// The OGC API HTML pages (collections, items, one feature): a small map of
// the page's features, read from the page's JSON data block, each feature
// linked with its table row; the extent of a collection; the bbox of the
// filter form drawn on the map; copy buttons for the paste-able lines.
// The content security policy runs no inline script, so everything the
// script needs is in the DOM.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './page.css';
import { ATTR_GEOKZ, KZ_BOUNDS, MAX_ZOOM } from './lib/config.js';
import { fmtBbox } from './lib/text.js';
import { parseBbox, rowsById } from './lib/pagemap.js';

const ACCENT = '#1f4e79';
const HIGHLIGHT = '#f0a500';

// window.kzpage tells the browser test what the page drew.
const page = { ready: false, drawn: [], map: null };
window.kzpage = page;

const box = document.getElementById('kz-pagemap');
try {
  if (box) draw(box);
  copyButtons();
  skipEmptyFields();
} finally {
  page.ready = true;
}

function draw(container) {
  const map = L.map(container, { maxZoom: MAX_ZOOM, scrollWheelZoom: false, zoomSnap: 0.25 });
  page.map = map;
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  // The regions of January 2022, from kzmap's own raster tiles, as a light
  // background: no outside base map.
  L.tileLayer('/tiles/regions/{z}/{x}/{y}.png', {
    maxZoom: MAX_ZOOM, opacity: 0.55, attribution: ATTR_GEOKZ, className: 'kz-bg',
  }).addTo(map);

  // A collection's page shows the collection itself, from its raster tiles.
  if (container.dataset.tiles) {
    L.tileLayer(`/tiles/${encodeURIComponent(container.dataset.tiles)}/{z}/{x}/{y}.png`, {
      maxZoom: MAX_ZOOM, className: 'kz-collection-tiles',
    }).addTo(map);
  }
  const extent = parseBbox(container.dataset.bbox);
  const data = document.getElementById('kz-features');
  let bounds = null;
  if (data) {
    const fc = JSON.parse(data.textContent);
    bounds = drawFeatures(map, fc);
  }
  if (extent) {
    const r = L.rectangle(extent, { color: ACCENT, weight: 2, dashArray: '6 4', fill: false, interactive: false }).addTo(map);
    bounds = r.getBounds().pad(0.15);
  }
  // The bbox of the filter form, when set, is part of the view.
  const filterBox = parseBbox(document.getElementById('kz-bbox')?.value);
  if (filterBox) bounds = bounds && bounds.isValid() ? bounds.extend(filterBox) : L.latLngBounds(filterBox);
  if (bounds && bounds.isValid()) {
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 11, animate: false });
  } else {
    map.fitBounds(KZ_BOUNDS, { animate: false });
  }
  bboxTool(map);
}

// drawFeatures adds the features, each linked with its row of the table
// (same id): a click on one shows the other. It returns their bounds.
function drawFeatures(map, fc) {
  const rows = rowsById(document.querySelectorAll('tr[data-fid]'));
  const layers = new Map();
  const base = { color: ACCENT, weight: 1.5, fillColor: ACCENT, fillOpacity: 0.15 };
  const group = L.geoJSON(fc, {
    style: () => base,
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { ...base, radius: 7, fillOpacity: 0.6, color: '#fff', weight: 2, fillColor: ACCENT }),
    onEachFeature: (f, layer) => {
      const id = String(f.id);
      layers.set(id, layer);
      const title = (f.properties && f.properties.title) || id;
      const row = rows.get(id);
      const link = row && row.querySelector('a');
      const tip = document.createElement('span');
      tip.textContent = title;
      layer.bindTooltip(tip, { sticky: !(layer instanceof L.CircleMarker) });
      layer.on('click', () => {
        if (row) {
          select(id);
          row.scrollIntoView({ block: 'center', behavior: 'smooth' });
        } else if (link) {
          location.href = link.href;
        }
      });
      layer.on('add', () => mark(layer, id));
    },
  }).addTo(map);

  let selected = null;
  function select(id) {
    if (selected) {
      const [l, r] = selected;
      l.setStyle(l instanceof L.CircleMarker ? { fillColor: ACCENT } : base);
      if (r) r.classList.remove('kz-selected');
    }
    const layer = layers.get(id);
    const row = rows.get(id);
    if (!layer) return;
    layer.setStyle(layer instanceof L.CircleMarker ? { fillColor: HIGHLIGHT } : { color: HIGHLIGHT, weight: 3, fillColor: HIGHLIGHT, fillOpacity: 0.3 });
    if (layer.bringToFront) layer.bringToFront();
    if (row) row.classList.add('kz-selected');
    selected = [layer, row];
  }

  // A row's "map" button shows its feature.
  for (const [id, row] of rows) {
    const layer = layers.get(id);
    const cell = row.querySelector('td');
    if (!cell) continue;
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'kz-show';
    btn.textContent = layer ? 'map' : 'no geometry';
    btn.disabled = !layer;
    btn.setAttribute('aria-label', `Show ${id} on the map`);
    btn.addEventListener('click', () => {
      select(id);
      const b = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
      map.fitBounds(b, { padding: [24, 24], maxZoom: 10 });
      map.getContainer().scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    });
    cell.append(' ', btn);
  }
  return group.getBounds();
}

// mark tags a drawn feature's SVG element with its id (the browser test
// counts them against the table's rows).
function mark(layer, id) {
  const els = [];
  if (layer.getElement) els.push(layer.getElement());
  if (layer.eachLayer) layer.eachLayer((l) => l.getElement && els.push(l.getElement()));
  for (const e of els) {
    if (!e) continue;
    e.setAttribute('data-fid', id);
    e.classList.add('kz-feature');
  }
  if (!page.drawn.includes(id)) page.drawn.push(id);
}

// bboxTool lets the filter form's bbox be drawn on the map: press the
// button, then drag a box.
function bboxTool(map) {
  const input = document.getElementById('kz-bbox');
  const btn = document.getElementById('kz-draw');
  if (!input || !btn) return;
  btn.hidden = false;
  const rect = L.rectangle([[0, 0], [0, 0]], { color: HIGHLIGHT, weight: 2, dashArray: '4 3', fillOpacity: 0.08, interactive: false });
  const shown = parseBbox(input.value);
  if (shown) rect.setBounds(shown).addTo(map);
  let start = null;
  const down = (e) => { start = e.latlng; rect.setBounds(L.latLngBounds(start, start)).addTo(map); };
  const move = (e) => { if (start) rect.setBounds(L.latLngBounds(start, e.latlng)); };
  const up = (e) => {
    if (!start) return;
    const b = L.latLngBounds(start, e.latlng);
    start = null;
    stop();
    input.value = fmtBbox(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
    input.dispatchEvent(new Event('change'));
  };
  function stop() {
    map.dragging.enable();
    map.off('mousedown', down).off('mousemove', move).off('mouseup', up);
    map.getContainer().classList.remove('kz-drawing');
    btn.setAttribute('aria-pressed', 'false');
  }
  btn.setAttribute('aria-pressed', 'false');
  btn.addEventListener('click', () => {
    if (btn.getAttribute('aria-pressed') === 'true') { stop(); return; }
    map.dragging.disable();
    map.on('mousedown', down).on('mousemove', move).on('mouseup', up);
    map.getContainer().classList.add('kz-drawing');
    btn.setAttribute('aria-pressed', 'true');
    map.getContainer().scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  });
  input.addEventListener('change', () => {
    const b = parseBbox(input.value);
    if (b) rect.setBounds(b).addTo(map); else rect.remove();
  });
}

// skipEmptyFields leaves empty fields out of the submitted filter form, so
// that it asks for the URL a client would write (no "bbox=&datetime=").
function skipEmptyFields() {
  const form = document.getElementById('kz-filter');
  if (!form) return;
  form.addEventListener('submit', () => {
    for (const f of form.elements) {
      if (f.name && f.value === '') f.disabled = true;
    }
    // Back to the form after the page is shown from the history.
    setTimeout(() => { for (const f of form.elements) f.disabled = false; }, 0);
  });
}

// copyButtons puts a Copy button by each paste-able line.
function copyButtons() {
  if (!navigator.clipboard) return;
  for (const box of document.querySelectorAll('.kz-paste')) {
    const pre = box.querySelector('pre');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'kz-copy';
    btn.textContent = 'Copy';
    btn.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(pre.textContent);
        btn.textContent = 'Copied';
      } catch {
        btn.textContent = 'Select and copy';
      }
    });
    box.append(btn);
  }
}
