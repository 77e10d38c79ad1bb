// Small DOM helpers: the page builds its panels with these, never with
// innerHTML of data, so a title with < or & shows as text.

// el('p', {class: 'x'}, 'text', child…): attributes with null are left out.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === '') continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

const MONTH = 'January';

// fmtDay('2022-01-02') = '2 January'.
export function fmtDay(d) {
  return `${Number(d.slice(8, 10))} ${MONTH}`;
}

// fmtDate gives an event's date as the article allows: a day, or the span
// within which an undated event happened.
export function fmtDate(p) {
  if (p.date_end && p.date_end !== p.date) {
    return `between ${Number(p.date.slice(8, 10))} and ${fmtDay(p.date_end)} 2022`;
  }
  return `${fmtDay(p.date)} 2022`;
}

export function escapeHTML(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}
