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
