// The tool buttons under the zoom buttons: look up the centre of the map,
// draw a box, select the visible map, copy a link to the view.
import L from 'leaflet';
import { el } from './dom.js';

// Icons drawn inline: no icon font, nothing fetched.
const svg = (body) => `<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
const ICONS = {
  here: svg('<circle cx="12" cy="12" r="7"/><circle cx="12" cy="12" r="1.5" fill="currentColor"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3"/>'),
  box: svg('<rect x="4" y="6" width="16" height="12" stroke-dasharray="3 2"/>'),
  view: svg('<rect x="3" y="5" width="18" height="14"/><path d="M7 15l3-4 3 3 2-2 3 3"/>'),
  link: svg('<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>'),
};

function iconButton(label, icon) {
  const b = el('button', { type: 'button', title: label, 'aria-label': label });
  b.innerHTML = icon;
  return b;
}

// Tools calls options.here, .draw, .view and .link when their buttons are
// pressed; setDrawing(on) shows whether drawing a box is on.
export const Tools = L.Control.extend({
  options: { position: 'topleft', here() {}, draw() {}, view() {}, link() {} },

  onAdd() {
    const div = L.DomUtil.create('div', 'leaflet-bar kz-tools');
    this.buttons = {
      here: iconButton('What is at the centre of the map?', ICONS.here),
      draw: iconButton('Draw a box to select features', ICONS.box),
      view: iconButton('Select the features in the visible map', ICONS.view),
      link: iconButton('Copy a link to this view', ICONS.link),
    };
    this.buttons.draw.setAttribute('aria-pressed', 'false');
    for (const [name, b] of Object.entries(this.buttons)) {
      L.DomEvent.on(b, 'click', this.options[name], this);
      div.append(b);
    }
    L.DomEvent.disableClickPropagation(div);
    return div;
  },

  onRemove() {
    for (const [name, b] of Object.entries(this.buttons)) L.DomEvent.off(b, 'click', this.options[name], this);
    this.buttons = null;
  },

  setDrawing(on) {
    if (this.buttons) this.buttons.draw.setAttribute('aria-pressed', String(on));
  },
});
