// Box selection: drag a box on the map (BoxSelect, a Leaflet handler, like
// Leaflet's own box zoom), or take the visible map; the panel lists the
// features of a collection inside (a bbox query) and downloads them.
import L from 'leaflet';
import { el } from './dom.js';
import { COLLECTIONS } from './lib/config.js';
import { fmtDate } from './lib/days.js';
import { fmtBbox } from './lib/text.js';
import { status } from './panel.js';

// A drag shorter than this many pixels is a click, not a box.
const MIN_BOX_PX = 6;

// Selection shows the features in a box, with the box on the map.
export class Selection {
  constructor(map, panel) {
    this.map = map;
    this.panel = panel;
    this.rect = L.rectangle([[0, 0], [0, 0]], { color: '#1f4e79', weight: 2, dashArray: '4 3', fillOpacity: 0.08, interactive: false });
    panel.onClose(() => this.rect.remove());
  }

  async show(bounds, collection = 'districts') {
    this.rect.setBounds(bounds).addTo(this.map);
    const bbox = fmtBbox(bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth());
    const select = el('select', { id: 'kz-sel-col', 'aria-label': 'Collection' },
      ...COLLECTIONS.map(([id, name]) => el('option', { value: id, selected: id === collection ? '' : null }, name)));
    const list = el('div', { class: 'kz-sel-list' }, el('p', { class: 'kz-muted' }, 'Loading…'));
    const download = el('button', { type: 'button', disabled: '' }, 'Download GeoJSON');
    this.panel.open(el('div', { class: 'kz-selection' },
      el('h2', {}, 'Features in the box'),
      el('p', { class: 'kz-muted' }, `bbox=${bbox}`),
      el('label', { for: 'kz-sel-col' }, 'Show '), select, list, download));
    select.addEventListener('change', () => this.show(bounds, select.value));
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
    download.addEventListener('click', () => save(fc, `kzmap-${collection}-${bbox}.geojson`));
  }
}

// save downloads the features as a GeoJSON file.
function save(fc, name) {
  const blob = new Blob([JSON.stringify({ type: 'FeatureCollection', features: fc.features })],
    { type: 'application/geo+json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

// BoxSelect, while enabled, turns a drag on the map into a box for the
// selection instead of a pan; Esc cancels. options.onToggle(on) is told when
// it is enabled or disabled.
export const BoxSelect = L.Handler.extend({
  initialize(map, selection, options) {
    L.Handler.prototype.initialize.call(this, map);
    this.map = map;
    this.selection = selection;
    this.options = options || {};
    this.start = null;
    this.justDrew = false; // the click that ends a box is not a look-up
  },

  addHooks() {
    this.map.dragging.disable();
    this.map.getContainer().classList.add('kz-drawing');
    this.map.on({ mousedown: this.down, mousemove: this.move, mouseup: this.up }, this);
    L.DomEvent.on(document, 'keydown', this.key, this);
    status('Drag a box on the map (Esc cancels).');
    if (this.options.onToggle) this.options.onToggle(true);
  },

  removeHooks() {
    this.start = null;
    this.map.dragging.enable();
    this.map.getContainer().classList.remove('kz-drawing');
    this.map.off({ mousedown: this.down, mousemove: this.move, mouseup: this.up }, this);
    L.DomEvent.off(document, 'keydown', this.key, this);
    if (this.options.onToggle) this.options.onToggle(false);
  },

  // busy tells whether a map click now belongs to the box, not a look-up.
  busy() {
    return this.enabled() || this.justDrew;
  },

  down(e) {
    this.start = e.latlng;
    this.selection.rect.setBounds(L.latLngBounds(this.start, this.start)).addTo(this.map);
  },

  move(e) {
    if (this.start) this.selection.rect.setBounds(L.latLngBounds(this.start, e.latlng));
  },

  up(e) {
    if (!this.start) return;
    const b = L.latLngBounds(this.start, e.latlng);
    this.disable();
    this.justDrew = true;
    setTimeout(() => { this.justDrew = false; }, 0);
    status('');
    const map = this.map;
    if (map.latLngToContainerPoint(b.getNorthWest()).distanceTo(map.latLngToContainerPoint(b.getSouthEast())) < MIN_BOX_PX) {
      this.selection.rect.remove();
      return;
    }
    this.selection.show(b);
  },

  key(e) {
    if (e.key !== 'Escape') return;
    this.disable();
    this.selection.rect.remove();
    status('');
  },
});
