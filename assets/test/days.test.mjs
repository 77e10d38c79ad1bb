// The timeline's days and the dates of events (src/lib/days.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DAYS, fmtDay, fmtDate, isOn, isSpan, eventsOn, countByRegion, perDay, plural, dayStatus, dayHeading, reportedIn,
} from '../src/lib/days.js';

const ev = (id, props) => ({ type: 'Feature', id, properties: props, geometry: null });

const events = [
  ev('a', { date: '2022-01-02', region: 'KZ75' }),
  ev('b', { date: '2022-01-02', region: 'KZ75' }),
  ev('c', { date: '2022-01-02', region: null }),
  ev('d', { date: '2022-01-05', region: 'KZ47' }),
  ev('e', { date: '2022-01-05', date_end: '2022-01-07', region: 'KZ47' }),
];

test('DAYS are 2 to 10 January 2022, in order', () => {
  assert.equal(DAYS.length, 9);
  assert.equal(DAYS[0], '2022-01-02');
  assert.equal(DAYS.at(-1), '2022-01-10');
  assert.deepEqual([...DAYS].sort(), DAYS);
});

test('fmtDay', () => {
  for (const [in_, want] of [['2022-01-02', '2 January'], ['2022-01-10', '10 January']]) {
    assert.equal(fmtDay(in_), want);
  }
});

test('fmtDate', () => {
  const cases = [
    { name: 'a day', p: { date: '2022-01-05' }, want: '5 January 2022' },
    { name: 'a span', p: { date: '2022-01-05', date_end: '2022-01-07' }, want: 'sometime between 5 and 7 January 2022' },
    { name: 'a span of one day', p: { date: '2022-01-05', date_end: '2022-01-05' }, want: '5 January 2022' },
    { name: 'no end', p: { date: '2022-01-10', date_end: null }, want: '10 January 2022' },
  ];
  for (const c of cases) assert.equal(fmtDate(c.p), c.want, c.name);
});

test('isOn and eventsOn', () => {
  assert.ok(isOn({ date: '2022-01-02' }, null), 'every day');
  assert.ok(isOn({ date: '2022-01-02' }, '2022-01-02'));
  assert.ok(!isOn({ date: '2022-01-02' }, '2022-01-03'));
  // A span is on each of its days, ends included, as ?datetime=DAY answers.
  const span = { date: '2022-01-02', date_end: '2022-01-10' };
  for (const d of DAYS) assert.ok(isOn(span, d), d);
  assert.ok(!isOn(span, '2022-01-11'));
  assert.ok(!isOn(span, '2022-01-01'));
  assert.ok(isOn({ date: '2022-01-05', date_end: null }, '2022-01-05'), 'a null end is the one day');
  assert.ok(!isOn({ date: '2022-01-05', date_end: null }, '2022-01-06'));
  assert.ok(!isOn({}, '2022-01-05'), 'undated');
  assert.ok(isSpan(span));
  assert.ok(!isSpan({ date: '2022-01-05', date_end: '2022-01-05' }));
  assert.ok(!isSpan({ date: '2022-01-05' }));
  assert.deepEqual(eventsOn(events, null).map((f) => f.id), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(eventsOn(events, '2022-01-02').map((f) => f.id), ['a', 'b', 'c']);
  assert.deepEqual(eventsOn(events, '2022-01-06').map((f) => f.id), ['e']);
  assert.deepEqual(eventsOn(events, '2022-01-08'), []);
});

test('countByRegion', () => {
  const all = countByRegion(events);
  assert.deepEqual(Object.fromEntries(all.counts), { KZ75: 2, KZ47: 2 });
  assert.equal(all.nationwide, 1);
  const none = countByRegion([]);
  assert.equal(none.counts.size, 0);
  assert.equal(none.nationwide, 0);
});

test('perDay', () => {
  const per = perDay(events);
  assert.deepEqual([...per.keys()], DAYS, 'every day, in order, even with no events');
  assert.equal(per.get('2022-01-02'), 3);
  assert.equal(per.get('2022-01-05'), 2);
  assert.equal(per.get('2022-01-06'), 1, 'a span counts on each of its days');
  assert.equal(per.get('2022-01-07'), 1);
  assert.equal(per.get('2022-01-08'), 0);
  assert.equal(per.get('2022-01-03'), 0);
  assert.equal(per.exact.get('2022-01-05'), 1, 'of them, dated to the day');
  assert.equal(per.exact.get('2022-01-06'), 0);
  assert.equal(perDay([ev('x', { date: '2021-12-31' })], ['2021-12-31']).get('2021-12-31'), 1, 'the days asked for');
});

test('texts', () => {
  assert.equal(plural('event', 1), 'event');
  assert.equal(plural('event', 0), 'events');
  assert.equal(dayStatus('2022-01-02', 1), '2 January 2022: 1 event');
  assert.equal(dayStatus('2022-01-03', 0), '3 January 2022: 0 events');
  assert.equal(dayStatus(null, 57), '2–10 January 2022: all 57 events');
  assert.equal(dayHeading(null), '2–10 January');
  assert.equal(dayHeading('2022-01-04'), '4 January');
  assert.equal(reportedIn(1, 'Almaty', '2022-01-05'), '1 event in Almaty whose date or span includes 5 January.');
  assert.equal(reportedIn(3, 'Almaty', null), '3 events reported in Almaty from 2 to 10 January.');
});
