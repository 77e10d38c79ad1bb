// The page's state: the day shown, the layers on, the events, and the
// counts of the day's events that the shading, legend and look-up show.
import { DEFAULT_LAYERS } from './lib/config.js';
import { countByRegion, eventsOn } from './lib/days.js';

// createState starts from what a permalink names (parseHash's result).
export function createState(initial = {}) {
  return {
    date: initial.date || null, // null: every day; else one of DAYS
    layers: new Set(initial.layers || DEFAULT_LAYERS),
    events: [], // GeoJSON features
    counts: new Map(), // region code -> events on the day shown
    nationwide: 0, // events on the day shown reported for the whole country
  };
}

// shown lists the events of the day shown.
export function shown(state) {
  return eventsOn(state.events, state.date);
}

// recount derives the counts from the day shown and the events.
export function recount(state) {
  const { counts, nationwide } = countByRegion(shown(state));
  state.counts = counts;
  state.nationwide = nationwide;
}
