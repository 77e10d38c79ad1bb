// Look-up of a point (a click, or the centre of the map): the region and
// district there in January 2022 and today, from /lookup.
import L from 'leaflet';
import { el } from './dom.js';
import { reportedIn } from './lib/days.js';

// Lookup answers points in the panel, with a marker on the point; the
// panel's count of events follows state (the day shown).
export class Lookup {
  constructor(map, panel, state) {
    this.map = map;
    this.panel = panel;
    this.state = state;
    this.marker = L.circleMarker([0, 0], { radius: 6, color: '#1f4e79', weight: 2, fillOpacity: 0.3 });
    this.ctl = null;
    this.last = null; // the point the panel describes
    panel.onClose(() => {
      this.last = null;
      this.marker.remove();
    });
  }

  async at(latlng) {
    this.last = latlng;
    if (this.ctl) this.ctl.abort();
    this.ctl = new AbortController();
    this.marker.setLatLng(latlng).addTo(this.map);
    const lon = latlng.lng.toFixed(5), lat = latlng.lat.toFixed(5);
    this.panel.open(el('p', { class: 'kz-muted' }, 'Looking up…'));
    let ans;
    try {
      const resp = await fetch(`/lookup?lon=${lon}&lat=${lat}`, { signal: this.ctl.signal });
      ans = await resp.json();
      if (!resp.ok) throw new Error(ans.detail || resp.statusText);
    } catch (err) {
      if (err.name === 'AbortError') return;
      this.panel.open(el('p', {}, `Look-up failed: ${err.message}`));
      return;
    }
    const by = Object.fromEntries(ans.results.map((r) => [r.collection, r.feature]));
    this.panel.open(answer(by, lat, lon, this.state));
  }

  // refresh answers the same point again when the panel shows a look-up:
  // its count of events is for the day shown.
  refresh() {
    if (this.last && this.panel.shows('.kz-lookup')) this.at(this.last);
  }
}

function names(f) {
  return f
    ? el('span', { class: 'kz-names' },
      el('strong', { lang: 'en' }, f.name_en || f.code),
      el('span', { lang: 'kk' }, f.name_kk || ''),
      el('span', { lang: 'ru' }, f.name_ru || ''))
    : el('span', { class: 'kz-muted' }, 'outside Kazakhstan');
}

// answer is the panel for a look-up's features by collection.
function answer(by, lat, lon, state) {
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
      row('Region', by['regions-2024']),
      row('District', by['districts-2024'])));
  if (by.regions && by['regions-2024'] && by.regions.code !== by['regions-2024'].code) {
    root.append(el('p', { class: 'kz-note' },
      `Part of ${by.regions.name_en} in January 2022; in ${by['regions-2024'].name_en} since the 2022 reform.`));
  }
  if (by.regions) {
    const n = state.counts.get(by.regions.code) || 0;
    root.append(el('p', {}, reportedIn(n, by.regions.name_en, state.date)));
  }
  return root;
}
