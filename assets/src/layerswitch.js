// Which layers are on: state.layers, set from the permalink, and Leaflet's
// layers control (top right), whose check boxes drive state.layers.
import L from 'leaflet';
import { DISTRICTS_FROM } from './lib/config.js';

// LayerSwitch keeps the map's layers and state.layers the same. It calls
// onChange(baseChanged) after the reader switched a layer.
export class LayerSwitch {
  constructor(map, state, layers, onChange) {
    this.map = map;
    this.state = state;
    this.layers = layers;
    this.overlays = {
      regions: [layers.regions, 'Regions, January 2022 (shaded by events)'],
      districts: [layers.districts, `Districts, January 2022 (from zoom ${DISTRICTS_FROM})`],
      'regions-2024': [layers.regions2024, 'Regions since 2022 (Abay, Zhetysu, Ulytau split off)'],
      events: [layers.events, 'Events'],
    };
    this.none = L.layerGroup(); // the base "map" when the online one is off
    this.onChange = onChange;
  }

  // apply puts on the map the layers of state.layers, and takes off the others.
  apply() {
    const { map, state } = this;
    for (const [key, [layer]] of Object.entries(this.overlays)) {
      if (state.layers.has(key) && !map.hasLayer(layer)) map.addLayer(layer);
      if (!state.layers.has(key) && map.hasLayer(layer)) map.removeLayer(layer);
    }
    this.applyLabels();
    if (state.layers.has('osm')) this.layers.osm.addTo(map); else this.layers.osm.remove();
  }

  applyLabels() {
    if (this.state.layers.has('regions-2024')) this.layers.labels2024.addTo(this.map);
    else this.layers.labels2024.remove();
  }

  // addControl adds the layers control; from then on, a layer switched
  // there (or by apply) is noted in state.layers.
  addControl() {
    const { map, state, layers } = this;
    L.control.layers(
      { 'No base map (offline)': this.none, 'OpenStreetMap (online)': layers.osm },
      Object.fromEntries(Object.values(this.overlays).map(([l, name]) => [name, l])),
      { collapsed: true, position: 'topright' },
    ).addTo(map);
    // The control checks a base layer only when it is on the map.
    if (!state.layers.has('osm')) this.none.addTo(map);
    map.on('overlayadd overlayremove baselayerchange', (e) => {
      for (const [key, [layer]] of Object.entries(this.overlays)) {
        if (layer === e.layer) {
          if (e.type === 'overlayadd') state.layers.add(key); else state.layers.delete(key);
        }
      }
      if (e.type === 'baselayerchange') {
        if (e.layer === layers.osm) state.layers.add('osm'); else state.layers.delete('osm');
      }
      this.applyLabels();
      this.onChange(e.type === 'baselayerchange');
    });
  }
}
