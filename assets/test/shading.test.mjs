// Region shading and small text helpers (src/lib/shading.js, src/lib/text.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASSES, classOf, regionStyle } from '../src/lib/shading.js';
import { escapeHTML, fmtBbox } from '../src/lib/text.js';

test('classOf', () => {
  const cases = [[0, 'none'], [1, '1'], [2, '2'], [3, '3 or more'], [40, '3 or more']];
  for (const [n, want] of cases) assert.equal(classOf(n).label, want, `${n} events`);
  assert.deepEqual(CLASSES.map((c) => c.min), [0, 1, 2, 3]);
});

test('regionStyle is lighter over the base map', () => {
  assert.equal(regionStyle(2, false).fill, classOf(2).fill);
  assert.ok(regionStyle(2, true).fillOpacity < regionStyle(2, false).fillOpacity);
});

test('escapeHTML', () => {
  assert.equal(escapeHTML(`<b title="x">Tom & Jerry's</b>`), '&lt;b title=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;');
  assert.equal(escapeHTML(null), '');
  assert.equal(escapeHTML(undefined), '');
  assert.equal(escapeHTML(42), '42');
});

test('fmtBbox', () => {
  assert.equal(fmtBbox(51, 42.5, 54, 44.5), '51.0000,42.5000,54.0000,44.5000');
  assert.equal(fmtBbox(-0.00001, 1.23456, 2, 3), '-0.0000,1.2346,2.0000,3.0000');
});
