// The permalink: the address keeps the view (zoom, centre, day, layers), and
// a new address (back, forward, an edited hash) moves the map to it.
import { formatHash, parseHash } from './lib/permalink.js';

const SAVE_MS = 100; // a burst of moves writes the address once

// Permalink writes the view into the address as the map moves; onHash(view)
// is told of a hash the reader went to (parseHash's result).
export class Permalink {
  constructor(map, state, onHash) {
    this.map = map;
    this.state = state;
    this.timer = 0;
    map.on('moveend zoomend', () => this.save());
    window.addEventListener('hashchange', () => onHash(parseHash(location.hash)));
  }

  save() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const c = this.map.getCenter();
      const hash = formatHash({
        zoom: this.map.getZoom(), center: [c.lat, c.lng], date: this.state.date, layers: this.state.layers,
      });
      history.replaceState(null, '', hash);
    }, SAVE_MS);
  }
}
