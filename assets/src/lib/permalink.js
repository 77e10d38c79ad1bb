// The permalink in the address: #z=6&ll=47.5,72.25&d=2022-01-02&l=regions,events.
// Pure: parseHash reads a hash, formatHash writes one; no DOM, no Leaflet.
import { LAYER_KEYS, MIN_ZOOM, MAX_ZOOM } from './config.js';
import { DAYS } from './days.js';

// parseHash returns what a hash names, each part only when it is valid:
// { zoom, center: [lat, lon] } together, date (one of DAYS), layers (known keys).
export function parseHash(hash) {
  const p = new URLSearchParams(String(hash).replace(/^#/, ''));
  const out = {};
  const z = parseFloat(p.get('z'));
  const ll = (p.get('ll') || '').split(',').map(parseFloat);
  if (Number.isFinite(z) && ll.length === 2 && ll.every(Number.isFinite) &&
      Math.abs(ll[0]) <= 90 && Math.abs(ll[1]) <= 180) {
    out.zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, z));
    out.center = [ll[0], ll[1]];
  }
  if (DAYS.includes(p.get('d'))) out.date = p.get('d');
  if (p.has('l')) out.layers = p.get('l').split(',').filter((k) => LAYER_KEYS.includes(k));
  return out;
}

// formatHash writes the hash of a view: zoom, centre [lat, lon], date (or
// null) and the set of layers on, which are listed in LAYER_KEYS order.
export function formatHash({ zoom, center, date, layers }) {
  const p = new URLSearchParams();
  p.set('z', String(zoom));
  p.set('ll', `${center[0].toFixed(4)},${center[1].toFixed(4)}`);
  if (date) p.set('d', date);
  p.set('l', LAYER_KEYS.filter((k) => layers.has(k)).join(','));
  return `#${p.toString().replaceAll('%2C', ',')}`;
}
