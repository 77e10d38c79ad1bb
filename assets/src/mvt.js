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
    this._seen = new Map(); // code -> properties, of every feature drawn so far
    this.on('tileunload', (e) => {
      if (e.tile._kzAbort) e.tile._kzAbort.abort();
    });
  },

  // Properties of every feature met in the tiles loaded so far, by code.
  seen() { return this._seen; },

  createTile(coords, done) {
    const tile = L.DomUtil.create('canvas', 'kz-vt');
    const size = this.getTileSize();
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    tile.width = size.x * dpr;
    tile.height = size.y * dpr;
    tile._kzDpr = dpr;
    tile._kzFeatures = [];
    const ctl = new AbortController();
    tile._kzAbort = ctl;
    const url = L.Util.template(this.options.url, {
      id: this.options.collection, z: coords.z, x: coords.x, y: coords.y,
    });
    fetch(url, { signal: ctl.signal })
      .then((resp) => {
        if (resp.status === 204) return null;
        if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
        return resp.arrayBuffer();
      })
      .then((buf) => {
        tile._kzAbort = null;
        if (buf && buf.byteLength) tile._kzFeatures = this._decode(buf);
        this._draw(tile);
        done(null, tile);
      })
      .catch((err) => {
        tile._kzAbort = null;
        if (err.name === 'AbortError') return; // the tile left the view
        done(err, tile);
      });
    return tile;
  },

  _decode(buf) {
    const vt = new VectorTile(new PbfReader(new Uint8Array(buf)));
    const layer = vt.layers[this.options.collection];
    if (!layer) return [];
    const out = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      if (f.properties.code !== undefined && !this._seen.has(f.properties.code)) {
        this._seen.set(f.properties.code, f.properties);
      }
      out.push({ type: f.type, props: f.properties, rings: f.loadGeometry(), extent: layer.extent });
    }
    return out;
  },

  // restyle repaints every loaded tile with the current style function.
  restyle() {
    for (const key in this._tiles) this._draw(this._tiles[key].el);
  },

  _draw(tile) {
    const ctx = tile.getContext('2d');
    const dpr = tile._kzDpr;
    const size = this.getTileSize().x;
    ctx.clearRect(0, 0, tile.width, tile.height);
    for (const f of tile._kzFeatures) {
      const st = this.options.style(f.props);
      if (!st) continue;
      const k = (size * dpr) / f.extent;
      ctx.beginPath();
      for (const ring of f.rings) {
        for (let j = 0; j < ring.length; j++) {
          const x = ring[j].x * k, y = ring[j].y * k;
          if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
        if (f.type === 3) ctx.closePath();
      }
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
        const n = tile.width;
        ctx.beginPath();
        for (let d = -n; d < n; d += 8 * dpr) { ctx.moveTo(d, 0); ctx.lineTo(d + n, n); }
        ctx.stroke();
        ctx.restore();
        // Re-trace the outline, which clip() consumed.
        ctx.beginPath();
        for (const ring of f.rings) {
          for (let j = 0; j < ring.length; j++) {
            const x = ring[j].x * k, y = ring[j].y * k;
            if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
          }
          ctx.closePath();
        }
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
  },
});
