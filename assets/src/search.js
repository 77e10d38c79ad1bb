// The search box: places and events by any spelling, through /search, as
// the reader types; ↑/↓ and Enter choose, and the map flies there.
import L from 'leaflet';
import { el } from './dom.js';
import { KIND } from './lib/config.js';
import { status } from './panel.js';

const DELAY_MS = 120; // typing pause before a search
const LIMIT = 6;

// Search drives the combobox input and its list of results. options.onChoose(f)
// is told of the feature chosen, and options.onFlying(bool) when the flight
// to it starts and ends.
export class Search {
  constructor(map, input, list, options = {}) {
    this.map = map;
    this.input = input;
    this.list = list;
    this.options = options;
    this.highlight = L.geoJSON(null, { style: { color: '#1f4e79', weight: 3, fill: false }, interactive: false });
    this.ctl = null;
    this.timer = 0;
    this.hits = [];
    this.active = -1;
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(), DELAY_MS);
    });
    input.addEventListener('keydown', (e) => this.key(e));
    input.addEventListener('blur', () => setTimeout(() => this.closeResults(), 150));
  }

  key(e) {
    const hits = this.hits;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!hits.length) return;
      e.preventDefault();
      this.setActive((this.active + (e.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (hits.length) this.choose(hits[Math.max(this.active, 0)]);
      else this.search().then(() => this.hits.length && this.choose(this.hits[0]));
    } else if (e.key === 'Escape') {
      this.closeResults();
    }
  }

  async search() {
    const text = this.input.value.trim();
    if (this.ctl) this.ctl.abort();
    if (!text) { this.closeResults(); return; }
    this.ctl = new AbortController();
    try {
      // Only each hit's bounding box while typing: a region's outline is tens
      // of kilobytes; the chosen one's is fetched in choose().
      const resp = await fetch(`/search?q=${encodeURIComponent(text)}&limit=${LIMIT}&geometry=bbox`, {
        signal: this.ctl.signal, headers: { Accept: 'application/geo+json' },
      });
      const fc = await resp.json();
      if (!resp.ok) throw new Error(fc.detail || resp.statusText);
      this.hits = fc.features;
    } catch (err) {
      if (err.name === 'AbortError') return;
      this.hits = [];
    }
    this.active = -1;
    this.list.replaceChildren(...this.hits.map((f, i) => {
      const p = f.properties;
      const li = el('li', { role: 'option', id: `kz-hit-${i}`, 'aria-selected': 'false' },
        el('strong', {}, p.name_en || p.title || f.id), ' ',
        el('span', { class: 'kz-muted' }, [KIND[p.collection] || p.collection, p.name_kk, p.name_ru].filter(Boolean).join(' · ')));
      li.addEventListener('mousedown', (e) => { e.preventDefault(); this.choose(f); });
      return li;
    }));
    if (!this.hits.length) {
      this.list.replaceChildren(el('li', { class: 'kz-muted', role: 'option', 'aria-disabled': 'true' }, 'No place of that name'));
    }
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  setActive(i) {
    this.active = i;
    [...this.list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    this.input.setAttribute('aria-activedescendant', `kz-hit-${i}`);
  }

  closeResults() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  choose(f) {
    const map = this.map;
    this.closeResults();
    this.input.value = f.properties.name_en || this.input.value;
    this.highlight.clearLayers();
    const b = f.bbox;
    if (!b) return;
    if (this.options.onChoose) this.options.onChoose(f);
    const flying = this.options.onFlying || (() => {});
    flying(true);
    map.once('moveend', () => flying(false));
    if (b[0] === b[2] && b[1] === b[3]) {
      map.flyTo([b[1], b[0]], Math.max(map.getZoom(), 9), { duration: 0.8 });
    } else {
      map.flyToBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [30, 30], maxZoom: 10, duration: 0.8 });
    }
    this.outline(f);
    status(`${f.properties.name_en || f.id}: ${KIND[f.properties.collection] || ''}`);
  }

  // outline draws the chosen feature whole, one request away.
  async outline(f) {
    const url = `/collections/${encodeURIComponent(f.properties.collection)}/items/${encodeURIComponent(f.id)}`;
    try {
      const resp = await fetch(url, { headers: { Accept: 'application/geo+json' } });
      if (!resp.ok) return;
      const full = await resp.json();
      if (full.geometry && full.geometry.type !== 'Point') this.highlight.clearLayers().addData(full).addTo(this.map);
    } catch {
      // The flight went ahead; the outline is a nicety.
    }
  }
}
