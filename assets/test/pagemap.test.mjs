// The HTML pages' map helpers (src/lib/pagemap.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBbox, rowsById } from '../src/lib/pagemap.js';

test('parseBbox', () => {
  const cases = [
    { name: 'a box', in: '46.49,40.56,87.36,55.44', want: [[40.56, 46.49], [55.44, 87.36]] },
    { name: 'spaces', in: ' 1, 2 ,3,4', want: [[2, 1], [4, 3]] },
    { name: 'empty', in: '', want: null },
    { name: 'undefined', in: undefined, want: null },
    { name: 'three numbers', in: '1,2,3', want: null },
    { name: 'an empty number', in: '1,,3,4', want: null },
    { name: 'not a number', in: '1,2,x,4', want: null },
    { name: 'south above north', in: '1,5,3,4', want: null },
    { name: 'out of range', in: '-200,2,3,4', want: null },
  ];
  for (const c of cases) assert.deepEqual(parseBbox(c.in), c.want, c.name);
});

test('rowsById', () => {
  const row = (id) => ({ getAttribute: (k) => (k === 'data-fid' ? id : null) });
  const a = row('KZ01');
  const m = rowsById([a, row(null), row('KZ02'), row('KZ01')]);
  assert.deepEqual([...m.keys()], ['KZ01', 'KZ02']);
  assert.equal(m.get('KZ01'), a, 'the first row of an id wins');
});
