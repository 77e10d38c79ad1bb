// How a region is shaded by its count of events: pure, no DOM.

// Sequential classes (ColorBrewer OrRd), readable in grey too.
export const CLASSES = [
  { min: 0, label: 'none', fill: '#f7f4ef' },
  { min: 1, label: '1', fill: '#fdcc8a' },
  { min: 2, label: '2', fill: '#fc8d59' },
  { min: 3, label: '3 or more', fill: '#d7301f' },
];

// classOf is the class of a count: the last whose min it reaches.
export function classOf(n) {
  let c = CLASSES[0];
  for (const k of CLASSES) if (n >= k.min) c = k;
  return c;
}

// regionStyle is a region's style for the canvas layer; over the online base
// map the shading is lighter, so that the base map shows through.
export function regionStyle(n, baseMap) {
  return {
    fill: classOf(n).fill,
    fillOpacity: baseMap ? 0.55 : 0.9,
    stroke: '#6b5b4e',
    weight: 1.2,
  };
}
