// The legend: the shading's classes for the day shown, the events reported
// for the whole country, and the marks of the 2024 boundaries and of claims.
import L from 'leaflet';
import { CLASSES } from './lib/shading.js';
import { dayHeading } from './lib/days.js';

export const Legend = L.Control.extend({
  options: { position: 'bottomleft' },

  onAdd() {
    this.div = L.DomUtil.create('div', 'kz-legend');
    L.DomEvent.disableClickPropagation(this.div);
    if (this.shown) this.update(this.shown);
    return this.div;
  },

  onRemove() {
    this.div = null;
  },

  // update shows { date, nationwide, show2024 }.
  update(shown) {
    this.shown = shown;
    if (!this.div) return;
    this.div.innerHTML = `<h2>Events by region, ${dayHeading(shown.date)}</h2>` +
      CLASSES.map((c) => `<div><i style="background:${c.fill}"></i>${c.label}</div>`).join('') +
      `<p>${shown.nationwide} more reported for the whole country</p>` +
      (shown.show2024 ? '<div><i class="kz-legend-2024"></i>boundaries since 2022</div>' : '') +
      '<div><i class="kz-legend-span"></i>~ dated only to a span of days</div>' +
      '<div><i class="kz-legend-claim"></i>claim, no evidence produced</div>';
  },
});
