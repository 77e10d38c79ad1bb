// Which events share a marker (src/lib/group.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupEvents, markerText, isClaim, CLUSTER_PX } from '../src/lib/group.js';

const at = (id, lon, lat, props = {}) => ({
  type: 'Feature', id, properties: { title: id, ...props }, geometry: { type: 'Point', coordinates: [lon, lat] },
});
// One degree is 10 pixels, y down as on screen.
const project = ([lat, lon]) => ({ x: lon * 10, y: -lat * 10 });
const ids = (groups) => groups.map((g) => [g.fs.map((f) => f.id), g.country]);

test('groupEvents', () => {
  const cases = [
    { name: 'none', events: [], want: [] },
    { name: 'one', events: [at('a', 70, 45)], want: [[['a'], false]] },
    {
      name: 'close events share a marker, far ones do not',
      events: [at('a', 70, 45), at('b', 71, 45), at('c', 80, 45), at('d', 72, 46)],
      want: [[['a', 'b', 'd'], false], [['c'], false]],
    },
    {
      name: 'exactly CLUSTER_PX apart is apart',
      events: [at('a', 70, 45), at('b', 70 + CLUSTER_PX / 10, 45)],
      want: [[['a'], false], [['b'], false]],
    },
    {
      name: 'nationwide events share the last marker, wherever they are',
      events: [at('n1', 67, 48, { precision: 'country' }), at('a', 76.9, 43.2), at('n2', 67, 48, { precision: 'country' })],
      want: [[['a'], false], [['n1', 'n2'], true]],
    },
    {
      name: 'events with no point are left out',
      events: [{ id: 'x', properties: {}, geometry: null }, { id: 'y', properties: {}, geometry: { type: 'Polygon', coordinates: [] } }, at('a', 70, 45)],
      want: [[['a'], false]],
    },
  ];
  for (const c of cases) assert.deepEqual(ids(groupEvents(c.events, project)), c.want, c.name);
});

test('groupEvents places a marker at its first event, [lat, lon]', () => {
  const [g, n] = groupEvents([at('a', 70, 45), at('b', 71, 45), at('n', 67, 48, { precision: 'country' })], project);
  assert.deepEqual(g.latlng, [45, 70]);
  assert.deepEqual(n.latlng, [48, 67]);
});

test('groupEvents honours the distance it is given', () => {
  const events = [at('a', 70, 45), at('b', 75, 45)];
  assert.equal(groupEvents(events, project).length, 2);
  assert.equal(groupEvents(events, project, 51).length, 1);
});

test('markerText', () => {
  const claim = at('c', 70, 45, { title: 'Terrorists', evidence: 'none produced', date: '2022-01-07' });
  const rally = at('a', 0, 0, { title: 'Rally', date: '2022-01-02' });
  const span = at('s', 0, 0, { title: 'Arrest', date: '2022-01-02', date_end: '2022-01-10' });
  const cases = [
    { name: 'one event', g: { fs: [rally], country: false }, want: { label: '1', title: '1 event: Rally (2 January 2022)', claims: 0, spans: 0 } },
    { name: 'two events', g: { fs: [rally, claim], country: false }, want: { label: '2', title: '2 events: Rally (2 January 2022); Terrorists (7 January 2022)', claims: 1, spans: 0 } },
    { name: 'a span says so', g: { fs: [span], country: false }, want: { label: '1', title: '1 event: Arrest (sometime between 2 and 10 January 2022)', claims: 0, spans: 1 } },
    { name: 'nationwide', g: { fs: [claim, at('b', 0, 0)], country: true }, want: { label: '2 nationwide', title: '2 events reported for the whole country', claims: 1, spans: 0 } },
    { name: 'nationwide with spans', g: { fs: [claim, span], country: true }, want: { label: '2 nationwide', title: '2 events reported for the whole country, 1 of them dated only to a span of days', claims: 1, spans: 1 } },
  ];
  for (const c of cases) assert.deepEqual(markerText(c.g), c.want, c.name);
});

test('isClaim', () => {
  assert.ok(isClaim(at('c', 0, 0, { evidence: 'none produced' })));
  assert.ok(!isClaim(at('c', 0, 0, { evidence: 'video' })));
  assert.ok(!isClaim(at('c', 0, 0)));
});
