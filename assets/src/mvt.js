// A Leaflet layer that draws kzmap's Mapbox Vector Tiles on canvases. It
// keeps each tile's decoded geometry, so a new style (the timeline moved)
// repaints in place without fetching anything again.
import L from 'leaflet';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

// Style of one feature: { fill, stroke, weight, dash, hatch } (all optional).
// Return null to skip the feature.

export const VectorTileLayer = L.GridLayer.extend({
  options: {
    collection: 'regions',
    url: '/tiles/{id}/{z}/{x}/{y}.mvt',
    style: () => ({ stroke: '#555', weight: 1 }),
    maxNativeZoom: 14,
    updateWhenZooming: false,
    keepBuffer: 1,
  },

  initialize(options) {
    L.GridLayer.prototype.initialize.call(this, options);
    this.codes = new Map(); // code -> properties, of every feature drawn so far
    // canvas -> { features, dpr, abort }, of every tile the layer holds now.
    this.canvases = new Map();
    this.on('tileunload', (e) => {
      const t = this.canvases.get(e.tile);
      if (t && t.abort) t.abort.abort();
      this.canvases.delete(e.tile);
    });
  },

  // Properties of every feature met in the tiles loaded so far, by code.
  seen() { return this.codes; },

  // The tiles held now: { canvas, features } (features empty until loaded).
  tiles() {
    return [...this.canvases].map(([canvas, t]) => ({ canvas, features: t.features }));
  },

  createTile(coords, done) {
    const canvas = L.DomUtil.create('canvas', 'kz-vt');
    const size = this.getTileSize();
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    canvas.width = size.x * dpr;
    canvas.height = size.y * dpr;
    const t = { features: [], dpr, abort: new AbortController() };
    this.canvases.set(canvas, t);
    const url = L.Util.template(this.options.url, {
      id: this.options.collection, z: coords.z, x: coords.x, y: coords.y,
    });
    fetch(url, { signal: t.abort.signal })
      .then((resp) => {
        if (resp.status === 204) return null;
        if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
        return resp.arrayBuffer();
      })
      .then((buf) => {
        t.abort = null;
        if (buf && buf.byteLength) t.features = decode(buf, this.options.collection, this.codes);
        draw(canvas, t, this.options.style, size.x);
        done(null, canvas);
      })
      .catch((err) => {
        t.abort = null;
        if (err.name === 'AbortError') return; // the tile left the view
        done(err, canvas);
      });
    return canvas;
  },

  // restyle repaints every loaded tile with the current style function.
  restyle() {
    const size = this.getTileSize().x;
    for (const [canvas, t] of this.canvases) draw(canvas, t, this.options.style, size);
  },
});

// decode reads one tile's features of a layer, noting each new code in seen.
function decode(buf, collection, seen) {
  const vt = new VectorTile(new PbfReader(new Uint8Array(buf)));
  const layer = vt.layers[collection];
  if (!layer) return [];
  const out = [];
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    if (f.properties.code !== undefined && !seen.has(f.properties.code)) {
      seen.set(f.properties.code, f.properties);
    }
    out.push({ type: f.type, props: f.properties, rings: f.loadGeometry(), extent: layer.extent });
  }
  return out;
}

// trace adds a feature's rings to the canvas path, scaled by k.
function trace(ctx, f, k, close) {
  for (const ring of f.rings) {
    for (let j = 0; j < ring.length; j++) {
      const x = ring[j].x * k, y = ring[j].y * k;
      if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    if (close) ctx.closePath();
  }
}

// draw paints a tile's features on its canvas of size CSS pixels.
function draw(canvas, t, style, size) {
  const ctx = canvas.getContext('2d');
  const dpr = t.dpr;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (const f of t.features) {
    const st = style(f.props);
    if (!st) continue;
    const k = (size * dpr) / f.extent;
    ctx.beginPath();
    trace(ctx, f, k, f.type === 3);
    if (f.type === 3 && st.fill) {
      ctx.fillStyle = st.fill;
      ctx.globalAlpha = st.fillOpacity ?? 1;
      ctx.fill('evenodd');
      ctx.globalAlpha = 1;
    }
    if (f.type === 3 && st.hatch) {
      ctx.save();
      ctx.clip('evenodd');
      ctx.strokeStyle = st.hatch;
      ctx.lineWidth = dpr;
      const n = canvas.width;
      ctx.beginPath();
      for (let d = -n; d < n; d += 8 * dpr) { ctx.moveTo(d, 0); ctx.lineTo(d + n, n); }
      ctx.stroke();
      ctx.restore();
      // Re-trace the outline, which clip() consumed.
      ctx.beginPath();
      trace(ctx, f, k, true);
    }
    if (st.stroke) {
      ctx.strokeStyle = st.stroke;
      ctx.lineWidth = (st.weight ?? 1) * dpr;
      ctx.lineJoin = 'round';
      ctx.setLineDash(st.dash ? st.dash.map((d) => d * dpr) : []);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
}
