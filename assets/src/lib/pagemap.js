// Pure helpers of the HTML pages' map (page.js): no Leaflet.

// parseBbox reads "west,south,east,north" into Leaflet bounds
// [[south, west], [north, east]]; anything else is null.
export function parseBbox(s) {
  if (!s) return null;
  const parts = String(s).split(',');
  if (parts.length !== 4 || parts.some((x) => x.trim() === '')) return null;
  const v = parts.map(Number);
  if (v.some((x) => !Number.isFinite(x))) return null;
  const [w, so, e, n] = v;
  if (so > n || w < -180 || e > 180 || so < -90 || n > 90) return null;
  return [[so, w], [n, e]];
}

// rowsById maps each table row to the feature id it lists (data-fid).
export function rowsById(rows) {
  const m = new Map();
  for (const r of rows) {
    const id = r.getAttribute('data-fid');
    if (id !== null && !m.has(id)) m.set(id, r);
  }
  return m;
}
