// The permalink in the address (src/lib/permalink.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash } from '../src/lib/permalink.js';

test('parseHash', () => {
  const cases = [
    { name: 'empty', hash: '', want: {} },
    { name: 'just #', hash: '#', want: {} },
    {
      name: 'everything',
      hash: '#z=6&ll=47.5,72.25&d=2022-01-02&l=regions,districts,regions-2024,events',
      want: { zoom: 6, center: [47.5, 72.25], date: '2022-01-02', layers: ['regions', 'districts', 'regions-2024', 'events'] },
    },
    { name: 'without the #', hash: 'z=5&ll=48.3,67', want: { zoom: 5, center: [48.3, 67] } },
    { name: 'fractional zoom', hash: '#z=5.25&ll=48,67', want: { zoom: 5.25, center: [48, 67] } },
    { name: 'zoom clamped low', hash: '#z=0&ll=48,67', want: { zoom: 2, center: [48, 67] } },
    { name: 'zoom clamped high', hash: '#z=20&ll=48,67', want: { zoom: 14, center: [48, 67] } },
    { name: 'zoom without centre', hash: '#z=6', want: {} },
    { name: 'centre without zoom', hash: '#ll=48,67', want: {} },
    { name: 'centre with one number', hash: '#z=6&ll=48', want: {} },
    { name: 'centre with three numbers', hash: '#z=6&ll=48,67,1', want: {} },
    { name: 'latitude out of range', hash: '#z=6&ll=91,67', want: {} },
    { name: 'longitude out of range', hash: '#z=6&ll=48,181', want: {} },
    { name: 'not numbers', hash: '#z=six&ll=a,b', want: {} },
    { name: 'a day of the timeline', hash: '#d=2022-01-10', want: { date: '2022-01-10' } },
    { name: 'a day outside it', hash: '#d=2022-01-11', want: {} },
    { name: 'not a day', hash: '#d=yesterday', want: {} },
    { name: 'unknown layers dropped', hash: '#l=regions,nope,osm', want: { layers: ['regions', 'osm'] } },
    { name: 'no layers at all', hash: '#l=', want: { layers: [] } },
    { name: 'escaped comma', hash: '#z=6&ll=47.5%2C72.25', want: { zoom: 6, center: [47.5, 72.25] } },
  ];
  for (const c of cases) assert.deepEqual(parseHash(c.hash), c.want, c.name);
});

test('formatHash', () => {
  const cases = [
    {
      name: 'a day and layers, in their fixed order',
      view: { zoom: 6, center: [47.5, 72.25], date: '2022-01-02', layers: new Set(['events', 'regions-2024', 'regions', 'districts']) },
      want: '#z=6&ll=47.5000,72.2500&d=2022-01-02&l=regions,districts,regions-2024,events',
    },
    {
      name: 'every day, no layers',
      view: { zoom: 5.25, center: [-0.000001, 67.123456], date: null, layers: new Set() },
      want: '#z=5.25&ll=-0.0000,67.1235&l=',
    },
    {
      name: 'unknown layer keys are not written',
      view: { zoom: 3, center: [48, 67], date: null, layers: new Set(['osm', 'nope']) },
      want: '#z=3&ll=48.0000,67.0000&l=osm',
    },
  ];
  for (const c of cases) assert.equal(formatHash(c.view), c.want, c.name);
});

test('a formatted hash parses back to the same view', () => {
  const view = { zoom: 7, center: [43.2151, 76.8512], date: '2022-01-05', layers: new Set(['regions', 'osm']) };
  const back = parseHash(formatHash(view));
  assert.deepEqual(back, { zoom: 7, center: [43.2151, 76.8512], date: '2022-01-05', layers: ['regions', 'osm'] });
});
