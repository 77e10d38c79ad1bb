// The side panel (a bottom sheet on phones), which shows one thing at a
// time: a look-up or a box selection; and the status line under the timeline.
import L from 'leaflet';

export class Panel {
  constructor(root) {
    this.root = root;
    this.body = root.querySelector('.kz-panel-body');
    this.closers = [];
    root.querySelector('.kz-close').addEventListener('click', () => this.close());
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
  }

  // onClose registers fn to run when the panel closes.
  onClose(fn) {
    this.closers.push(fn);
  }

  open(content) {
    this.body.replaceChildren(content);
    this.root.hidden = false;
    document.body.classList.add('kz-panel-open');
  }

  close() {
    this.root.hidden = true;
    document.body.classList.remove('kz-panel-open');
    for (const fn of this.closers) fn();
  }

  // shows tells whether the open panel holds an element matching selector.
  shows(selector) {
    return !this.root.hidden && this.root.querySelector(selector) !== null;
  }
}

// status says something in the status line (read out by screen readers).
export function status(text) {
  document.getElementById('kz-status').textContent = text;
}
