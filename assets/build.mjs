// Builds the map into dist/: one minified script and stylesheet with hashed
// names, Leaflet's images, index.html naming them, and a gzip twin of each
// text file for kzmap to send as is. `make assets` runs it after `npm ci`.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const keep = new Set(['PLACEHOLDER.txt']);

mkdirSync(dist, { recursive: true });
for (const f of readdirSync(dist)) {
  if (!keep.has(f)) rmSync(join(dist, f), { recursive: true, force: true });
}

const result = await esbuild.build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'iife',
  target: ['chrome105', 'firefox110', 'safari16', 'edge105'],
  outdir: dist,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  publicPath: '/assets/',
  loader: { '.png': 'file', '.svg': 'file' },
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => p.split('/').pop());
const js = outputs.find((f) => /^main-.*\.js$/.test(f));
const css = outputs.find((f) => /^main-.*\.css$/.test(f));
if (!js || !css) throw new Error(`build: no main script or stylesheet in ${outputs}`);

const page = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replaceAll('{{js}}', `/assets/${js}`)
  .replaceAll('{{css}}', `/assets/${css}`);
writeFileSync(join(dist, 'index.html'), page);

let total = 0;
for (const f of readdirSync(dist)) {
  if (keep.has(f) || !/\.(js|css|html|svg|txt|json)$/.test(f)) continue;
  const body = readFileSync(join(dist, f));
  const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
  if (gz.length < body.length) writeFileSync(join(dist, f + '.gz'), gz);
  total += gz.length;
  console.log(`${f.padEnd(40)} ${String(body.length).padStart(8)} B  ${String(gz.length).padStart(7)} B gzip`);
}
console.log(`dist: ${total} B of text, gzipped`);
