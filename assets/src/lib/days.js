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
  if (!p.date) return 'undated';
  if (isSpan(p)) {
    return `sometime between ${Number(p.date.slice(8, 10))} and ${fmtDay(p.date_end)} 2022`;
  }
  return `${fmtDay(p.date)} 2022`;
}

// isSpan tells whether the article dates an event only to a span of days
// (date to date_end) rather than to one day.
export function isSpan(p) {
  return Boolean(p.date_end) && p.date_end !== p.date;
}

// isOn tells whether an event is shown on a day (null: every day), by the
// API's rule for ?datetime=DAY: the event's span, date to date_end (or its
// one day), meets that day.
export function isOn(p, date) {
  if (date === null) return true;
  if (!p.date) return false;
  return p.date <= date && date <= (p.date_end || p.date);
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

// perDay counts, for every day of days, the events shown on it by isOn's
// rule (an event dated to a span counts on each of its days), and apart
// from them those dated to that one day.
export function perDay(events, days = DAYS) {
  const per = new Map(days.map((d) => [d, 0]));
  const exact = new Map(days.map((d) => [d, 0]));
  for (const d of days) {
    for (const f of events) {
      if (!isOn(f.properties, d)) continue;
      per.set(d, per.get(d) + 1);
      if (!isSpan(f.properties)) exact.set(d, exact.get(d) + 1);
    }
  }
  per.exact = exact;
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

// reportedIn is the look-up panel's sentence on a region's events: on a
// day, those whose date or span (as the article gives it) includes the day.
export function reportedIn(n, region, date) {
  return date
    ? `${n} ${plural('event', n)} in ${region} whose date or span includes ${fmtDay(date)}.`
    : `${n} ${plural('event', n)} reported in ${region} from 2 to 10 January.`;
}
