// Which events share a marker, and what the marker says: pure functions, no
// DOM, no Leaflet (the caller passes the projection to screen pixels).
import { fmtDate, isSpan } from './days.js';

// Events closer than this many pixels at the zoom shown share a marker.
export const CLUSTER_PX = 30;

export function isClaim(f) {
  return f.properties.evidence === 'none produced';
}

// groupEvents gives the markers for a list of events: { latlng: [lat, lon],
// fs, country }. Events with a point geometry cluster by project([lat, lon])
// -> {x, y}; those reported for the whole country share one last marker.
export function groupEvents(events, project, px = CLUSTER_PX) {
  const groups = [];
  const country = [];
  for (const f of events) {
    if (!f.geometry || f.geometry.type !== 'Point') continue;
    if (f.properties.precision === 'country') { country.push(f); continue; }
    const [lon, lat] = f.geometry.coordinates;
    const pt = project([lat, lon]);
    const g = groups.find((x) => distance(x.pt, pt) < px);
    if (g) g.fs.push(f); else groups.push({ pt, latlng: [lat, lon], fs: [f], country: false });
  }
  const out = groups.map(({ latlng, fs, country: c }) => ({ latlng, fs, country: c }));
  if (country.length) {
    const [lon, lat] = country[0].geometry.coordinates;
    out.push({ latlng: [lat, lon], fs: country, country: true });
  }
  return out;
}

function distance(a, b) {
  const dx = a.x - b.x, dy = a.y - b.y;
  return Math.sqrt(dx * dx + dy * dy);
}

// markerText is what a group's marker shows (label), its tooltip and
// accessible name (title, each event with its date as the article allows),
// how many of its events are claims, and how many the article dates only
// to a span of days (spans): a marker all of whose events are such is drawn
// apart, so that it does not claim a day.
export function markerText({ fs, country }) {
  const n = fs.length;
  const spans = fs.filter((f) => isSpan(f.properties)).length;
  return {
    label: country ? `${n} nationwide` : String(n),
    title: country
      ? `${n} events reported for the whole country` + (spans ? `, ${spans} of them dated only to a span of days` : '')
      : `${n} event${n > 1 ? 's' : ''}: ${fs.map((f) => `${f.properties.title} (${fmtDate(f.properties)})`).join('; ')}`,
    claims: fs.filter(isClaim).length,
    spans,
  };
}
