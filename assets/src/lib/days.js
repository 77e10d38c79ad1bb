// The days of the timeline, the dates of events and what each day holds:
// pure functions of the events' GeoJSON properties, no DOM.

// The days the article covers, in order.
export const DAYS = ['2022-01-02', '2022-01-03', '2022-01-04', '2022-01-05', '2022-01-06',
  '2022-01-07', '2022-01-08', '2022-01-09', '2022-01-10'];

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

// isOn tells whether an event is shown on a day; date null is every day.
export function isOn(p, date) {
  return date === null || p.date === date;
}

// eventsOn keeps the events shown on a day (null: every day).
export function eventsOn(events, date) {
  return events.filter((f) => isOn(f.properties, date));
}

// countByRegion counts events per region code; those with no region were
// reported for the whole country.
export function countByRegion(events) {
  const counts = new Map();
  let nationwide = 0;
  for (const f of events) {
    const r = f.properties.region;
    if (r) counts.set(r, (counts.get(r) || 0) + 1);
    else nationwide++;
  }
  return { counts, nationwide };
}

// perDay counts the events of each day, every day of days present (with 0).
export function perDay(events, days = DAYS) {
  const per = new Map(days.map((d) => [d, 0]));
  for (const f of events) per.set(f.properties.date, (per.get(f.properties.date) || 0) + 1);
  return per;
}

// plural('event', 2) = 'events'.
export function plural(word, n) {
  return n === 1 ? word : `${word}s`;
}

// dayStatus says what the map shows for a day (null: every day).
export function dayStatus(date, n) {
  return date ? `${fmtDay(date)} 2022: ${n} ${plural('event', n)}` : `2–10 January 2022: all ${n} events`;
}

// dayHeading names a day in the legend (null: every day).
export function dayHeading(date) {
  return date ? fmtDay(date) : '2–10 January';
}

// reportedIn is the look-up panel's sentence on a region's events.
export function reportedIn(n, region, date) {
  return `${n} ${plural('event', n)} reported in ${region}` +
    (date ? ` on ${fmtDay(date)}.` : ' from 2 to 10 January.');
}
