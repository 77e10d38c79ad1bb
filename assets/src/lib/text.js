// Text helpers with no DOM: HTML escaping and the bbox parameter.

export function escapeHTML(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

// fmtBbox writes a bbox query parameter: west,south,east,north to 4 decimals.
export function fmtBbox(west, south, east, north) {
  return [west, south, east, north].map((v) => v.toFixed(4)).join(',');
}
