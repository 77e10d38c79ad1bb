// The map's layers: the regions of January 2022 shaded by their events, the
// districts, the 2024 regions with labels on the new ones, and the optional
// online base map, with the notice shown when it cannot be reached.
import L from 'leaflet';
import { VectorTileLayer } from './mvt.js';
import { el } from './dom.js';
import { ATTR_GEOKZ, ATTR_OSM, DISTRICTS_FROM, MAX_ZOOM } from './lib/config.js';
import { regionStyle } from './lib/shading.js';
import { escapeHTML } from './lib/text.js';

// A stand-in for a base map tile that failed: a transparent pixel.
const BLANK = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';

// createLayers makes the layers (none is added to the map here). The
// shading reads state.counts and state.layers each time it is drawn.
export function createLayers(map, state) {
  map.createPane('kz-2024').style.zIndex = 360;
  map.createPane('kz-districts').style.zIndex = 350;
  map.createPane('kz-labels').style.zIndex = 450; // above the shading, below markers
  map.getPane('kz-labels').style.pointerEvents = 'none';

  const osm = baseMap(map);

  const regions = new VectorTileLayer({
    collection: 'regions',
    attribution: ATTR_GEOKZ,
    className: 'kz-regions',
    style: (p) => regionStyle(state.counts.get(p.code) || 0, state.layers.has('osm')),
  });

  const districts = new VectorTileLayer({
    collection: 'districts',
    minZoom: DISTRICTS_FROM,
    pane: 'kz-districts',
    attribution: ATTR_GEOKZ,
    className: 'kz-districts',
    style: () => ({ stroke: 'rgba(70,60,50,0.55)', weight: 0.7 }),
  });

  // The regions that did not exist in January 2022 (Abay, Zhetysu, Ulytau)
  // are those whose codes the 2022 tiles never showed, once all 14 are seen.
  const isNewRegion = (code) => {
    const old = regions.seen();
    return old.size >= 14 && code !== undefined && !old.has(code);
  };

  // The 2024 regions: outlines, and a hatch over the new regions.
  const regions2024 = new VectorTileLayer({
    collection: 'regions-2024',
    pane: 'kz-2024',
    attribution: ATTR_GEOKZ,
    className: 'kz-regions-2024',
    style: (p) => ({
      stroke: '#5b2a86',
      weight: 2,
      dash: [6, 4],
      hatch: isNewRegion(p.code) ? 'rgba(91,42,134,0.45)' : null,
    }),
  });

  // Labels on the new regions, at their regional centres.
  const labels2024 = L.layerGroup();
  let centres = [];
  const drawLabels2024 = () => {
    labels2024.clearLayers();
    for (const c of centres) {
      if (!isNewRegion(c.properties.region)) continue;
      const [lon, lat] = c.geometry.coordinates;
      L.tooltip({ permanent: true, direction: 'center', className: 'kz-label-2024', interactive: false, pane: 'kz-labels' })
        .setLatLng([lat, lon])
        .setContent(`${escapeHTML(c.properties.region_name)}<small>new in 2022</small>`)
        .addTo(labels2024);
    }
  };
  regions2024.on('load', () => { regions2024.restyle(); drawLabels2024(); });

  return {
    regions,
    districts,
    regions2024,
    labels2024,
    osm,
    drawLabels2024,
    // setCentres gives the regional centres (GeoJSON features) to label.
    setCentres(fs) {
      centres = fs;
      if (map.hasLayer(regions2024)) drawLabels2024();
    },
  };
}

// baseMap is the optional online base map: off by default; if it cannot be
// reached the page stays whole (transparent tiles) and says so once.
function baseMap(map) {
  const osm = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: MAX_ZOOM,
    attribution: ATTR_OSM,
    errorTileUrl: BLANK,
    crossOrigin: true,
    className: 'kz-osm',
  });
  const notice = el('p', { class: 'kz-notice', role: 'status', hidden: '' },
    'The online base map cannot be reached; everything else works without it.');
  map.getContainer().append(notice);
  osm.on('tileerror', () => { notice.hidden = false; });
  // Leaflet reports the stand-in image of a failed tile as loaded, too.
  osm.on('tileload', (e) => { if (!e.tile.src.startsWith('data:')) notice.hidden = true; });
  osm.on('remove', () => { notice.hidden = true; });
  return osm;
}
