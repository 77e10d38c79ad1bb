// The events on the map: one marker per place, the events closer than a few
// pixels sharing it, and one "nationwide" marker for those reported for the
// whole country; each opens a popup with its events.
import L from 'leaflet';
import { eventPopup, groupPopup } from './popup.js';
import { groupEvents, markerText } from './lib/group.js';

const POPUP = { maxWidth: 340, minWidth: 240, className: 'kz-popup', autoPanPadding: [20, 80] };

// EventsLayer holds the markers of the events shown; show() replaces them.
export const EventsLayer = L.LayerGroup.extend({
  // show draws the markers of events, clustered at map's current zoom.
  show(events, map) {
    this.clearLayers();
    for (const g of groupEvents(events, (ll) => map.project(ll))) this.addLayer(marker(g));
  },

  // ids lists the ids of the events on the markers.
  ids() {
    return this.getLayers().flatMap((m) => m.options.kzEvents);
  },
});

function marker(g) {
  const { label, title, claims, spans } = markerText(g);
  const icon = L.divIcon({
    className: 'kz-marker' + (g.country ? ' kz-marker-country' : '') + (claims ? ' kz-marker-claim' : '') +
      (spans === g.fs.length ? ' kz-marker-span' : ''),
    html: `<span>${label}</span>`,
    iconSize: null,
  });
  const fs = g.fs;
  const m = L.marker(g.latlng, {
    icon, title, alt: title, keyboard: true, riseOnHover: true, kzEvents: fs.map((f) => f.id),
  });
  m.bindPopup(() => (fs.length === 1 ? eventPopup(fs[0]) : groupPopup(fs, g.country)), POPUP);
  return m;
}
