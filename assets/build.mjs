// Builds the map into dist/: one minified script and stylesheet with hashed
// names, Leaflet's images, index.html naming them, and a gzip twin of each
// text file for kzmap to send as is. A second, smaller bundle (page-*.js,
// page-*.css) draws the maps of the OGC API HTML pages; page.json names it
// for the Go templates (assets.Page). dist/ is committed, so that a plain
// `go build` embeds the map; `make assets` runs this after `npm ci`.
//
// `node build.mjs --check` builds into a temporary folder instead and fails
// when that differs from the committed dist/ (`make test` runs it).
//
// The output depends only on the sources and the locked packages: esbuild
// is deterministic, and the gzip header carries no time or name (mtime 0).
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, readdirSync, rmSync, mkdirSync, mkdtempSync } from 'node:fs';
import { gzipSync, gunzipSync, constants } from 'node:zlib';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const check = process.argv.includes('--check');

if (check) {
  const out = mkdtempSync(join(tmpdir(), 'kzmap-assets-'));
  try {
    await build(out, false);
    const diffs = compare(dist, out);
    if (diffs.length) {
      console.error(diffs.map((d) => `  ${d}`).join('\n'));
      console.error('assets/dist is stale: run make assets and commit');
      process.exit(1);
    }
    console.log('assets/dist is current');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
} else {
  await build(dist, true);
}

async function build(outdir, report) {
  mkdirSync(outdir, { recursive: true });
  for (const f of readdirSync(outdir)) rmSync(join(outdir, f), { recursive: true, force: true });

  const result = await esbuild.build({
    entryPoints: [join(here, 'src/main.js'), join(here, 'src/page.js')],
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'iife',
    target: ['chrome105', 'firefox110', 'safari16', 'edge105'],
    outdir,
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
  const pageJs = outputs.find((f) => /^page-.*\.js$/.test(f));
  const pageCss = outputs.find((f) => /^page-.*\.css$/.test(f));
  if (!pageJs || !pageCss) throw new Error(`build: no page script or stylesheet in ${outputs}`);
  writeFileSync(join(outdir, 'page.json'),
    JSON.stringify({ script: `/assets/${pageJs}`, style: `/assets/${pageCss}` }, null, 1) + '\n');

  const page = readFileSync(join(here, 'src/index.html'), 'utf8')
    .replaceAll('{{js}}', `/assets/${js}`)
    .replaceAll('{{css}}', `/assets/${css}`);
  writeFileSync(join(outdir, 'index.html'), page);

  let total = 0;
  for (const f of readdirSync(outdir).sort()) {
    if (!/\.(js|css|html|svg|txt|json)$/.test(f)) continue;
    const body = readFileSync(join(outdir, f));
    const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
    if (gz.length < body.length) writeFileSync(join(outdir, f + '.gz'), gz);
    total += gz.length;
    if (report) console.log(`${f.padEnd(40)} ${String(body.length).padStart(8)} B  ${String(gz.length).padStart(7)} B gzip`);
  }
  if (report) console.log(`dist: ${total} B of text, gzipped`);
}

// compare lists how the committed folder differs from a fresh build. A gzip
// twin matches when it holds the same bytes once unzipped: another zlib may
// compress the same text differently, and clients see only the text.
function compare(committed, fresh) {
  const have = new Set(readdirSync(committed));
  const want = new Set(readdirSync(fresh));
  const diffs = [];
  for (const f of [...want].sort()) {
    if (!have.has(f)) { diffs.push(`missing: dist/${f}`); continue; }
    const a = readFileSync(join(committed, f));
    const b = readFileSync(join(fresh, f));
    if (a.equals(b)) continue;
    if (f.endsWith('.gz') && unzips(a, b)) continue;
    diffs.push(`differs: dist/${f}`);
  }
  for (const f of [...have].sort()) {
    if (!want.has(f)) diffs.push(`not built from src: dist/${f}`);
  }
  return diffs;
}

function unzips(a, b) {
  try {
    return gunzipSync(a).equals(gunzipSync(b));
  } catch {
    return false;
  }
}
