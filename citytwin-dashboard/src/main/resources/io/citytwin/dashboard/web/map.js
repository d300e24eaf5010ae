// The city map: Leaflet on a canvas renderer. Base geometry (districts, roads) from the twin itself, so it works
// offline; entities as server-side H3 cells at low zoom and as points (only the view, capped) above the point zoom.
import { getJson } from './api.js';
import { t, num } from './i18n.js';

const SEV = ['#8a96a3', '#3ecf8e', '#ffb020', '#ff5a5a'];
const AQI = {
  'Good': '#3ecf8e', 'Moderate': '#e6d04a', 'Unhealthy for Sensitive Groups': '#ff8a3d',
  'Unhealthy': '#ff5a5a', 'Very Unhealthy': '#b36bff', 'Hazardous': '#a0203c',
};

/** The colour of an entity's state. */
export function stateColor(layer, state, severity) {
  if (layer === 'lighting') {
    if (state === 'on') return '#ffe680';
    if (state === 'off') return '#5d7185';
  }
  if (layer === 'air' && AQI[state]) return AQI[state];
  return SEV[severity] || SEV[0];
}

export class CityMap {
  constructor(el, config, handlers) {
    this.config = config;
    this.handlers = handlers;
    this.layers = new Set(config.layers.map(l => l.id));
    this.mode = null;
    this.points = new Map();
    this.cells = new Map();
    this.requestSeq = 0;
    this.renderer = L.canvas({ padding: 0.3 });
    this.map = L.map(el, { preferCanvas: true, renderer: this.renderer, zoomControl: true, keyboard: true,
      minZoom: 3, maxZoom: 20, zoomSnap: 0.5, worldCopyJump: false });
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.tilesAttribution || '', maxZoom: 20 }).addTo(this.map);
    }
    this.districtLayer = L.geoJSON(null, {
      renderer: this.renderer,
      style: () => ({ color: '#4fb3ff', weight: 1.5, opacity: 0.8, fillColor: '#4fb3ff', fillOpacity: 0.04 }),
      onEachFeature: (f, layer) => {
        layer.bindTooltip(f.properties.name || f.properties.id, { sticky: true });
        layer.on('click', () => this.handlers.district?.(f.properties.id));
      },
    }).addTo(this.map);
    this.roadLayer = L.geoJSON(null, {
      renderer: this.renderer,
      style: f => ({
        color: f.properties.severity ? SEV[f.properties.severity] : '#3a4b5c',
        weight: f.properties.roadClass === 'primary' ? 3 : 1.5, opacity: 0.85, interactive: false,
      }),
    }).addTo(this.map);
    this.dynamic = L.layerGroup().addTo(this.map);
    this.map.setView([52.52, 13.40], 13);
    // keyboard: the arrow keys and +/- pan and zoom (Leaflet); Enter opens the entity nearest to the centre
    el.addEventListener('keydown', e => {
      if (e.key !== 'Enter' || this.mode !== 'points' || !this.points.size) return;
      const c = this.map.getCenter();
      let best = null;
      let bestD = Infinity;
      for (const m of this.points.values()) {
        const d = this.map.distance(c, m.getLatLng());
        if (d < bestD) { bestD = d; best = m; }
      }
      if (best) this.handlers.select?.(best.options.point.id);
    });
    let timer = null;
    this.map.on('moveend', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.refresh(), 120);
    });
  }

  /** Loads districts and roads and fits the view to them. */
  async loadBase(fit = true) {
    const base = await getJson('/api/v1/dashboard/base');
    const districts = base.features.filter(f => f.properties.kind === 'district');
    const roads = base.features.filter(f => f.properties.kind === 'road');
    this.districtLayer.clearLayers().addData(districts);
    this.roadLayer.clearLayers().addData(roads);
    this.districtFeatures = districts;
    if (fit) {
      const b = this.districtLayer.getBounds().isValid() ? this.districtLayer.getBounds() : this.roadLayer.getBounds();
      if (b.isValid()) this.map.fitBounds(b, { padding: [10, 10] });
    }
    return districts;
  }

  view() {
    const b = this.map.getBounds();
    const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
    return {
      bbox: [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180),
        clamp(b.getNorth(), -90, 90)].map(v => v.toFixed(6)).join(','),
      zoom: Math.round(this.map.getZoom()),
      layers: [...this.layers].join(','),
    };
  }

  query() {
    const v = this.view();
    return 'bbox=' + v.bbox + '&zoom=' + v.zoom + '&layers=' + encodeURIComponent(v.layers);
  }

  /** Fetches the cells or points of the view and draws them; tells the live feed the new view. */
  async refresh() {
    const seq = ++this.requestSeq;
    const q = this.query();
    let data;
    try {
      data = await getJson('/api/v1/dashboard/map?' + q);
    } catch (e) {
      this.handlers.info?.(String(e.message));
      return;
    }
    if (seq !== this.requestSeq) return; // a newer view is on its way
    this.dynamic.clearLayers();
    this.points.clear();
    this.cells.clear();
    this.mode = data.mode;
    if (data.mode === 'points') {
      for (const p of data.points) this.upsertPoint(p);
      this.info = { key: 'mapInfoPoints', params: { shown: data.points.length, total: data.total } };
    } else {
      for (const c of data.cells) this.upsertCell(c);
      this.info = { key: 'mapInfoCells', params: { markers: data.total, cells: data.cells.length, res: data.resolution } };
    }
    this.renderInfo();
    this.handlers.view?.(this.view());
    document.getElementById('map').dataset.mode = data.mode;
    document.getElementById('map').dataset.count = String(data.mode === 'points' ? data.points.length : data.cells.length);
  }

  renderInfo() {
    if (!this.info) return;
    const p = {};
    for (const [k, v] of Object.entries(this.info.params)) p[k] = num(v);
    this.handlers.info?.(t(this.info.key, p));
  }

  upsertPoint(p) {
    const old = this.points.get(p.id);
    const color = stateColor(p.layer, p.state, p.severity);
    if (old) {
      old.setLatLng([p.lat, p.lon]);
      old.setStyle({ fillColor: color, color: p.severity >= 3 ? '#ffffff' : '#0b1118' });
      old.options.point = p;
      return;
    }
    const m = L.circleMarker([p.lat, p.lon], {
      renderer: this.renderer, radius: p.severity >= 3 ? 7 : 5, weight: 1,
      color: p.severity >= 3 ? '#ffffff' : '#0b1118', fillColor: color, fillOpacity: 0.95, point: p,
    });
    m.bindTooltip(() => `${m.options.point.type} · ${m.options.point.state}<br>${m.options.point.id}`);
    m.on('click', () => this.handlers.select?.(m.options.point.id));
    m.addTo(this.dynamic);
    this.points.set(p.id, m);
  }

  removePoint(id) {
    const m = this.points.get(id);
    if (m) {
      this.dynamic.removeLayer(m);
      this.points.delete(id);
    }
  }

  upsertCell(c) {
    this.removeCell(c.h3);
    const ring = [];
    for (let i = 0; i < c.boundary.length; i += 2) ring.push([c.boundary[i], c.boundary[i + 1]]);
    const opacity = Math.min(0.85, 0.25 + Math.log10(c.count + 1) / 4);
    const poly = L.polygon(ring, {
      renderer: this.renderer, weight: 1, color: '#0b1118', fillColor: SEV[c.worst] || SEV[0], fillOpacity: opacity,
    });
    const parts = Object.entries(c.layers).map(([l, n]) => `${t('layer.' + l)}: ${num(n)}`).join('<br>');
    poly.bindTooltip(`<b>${num(c.count)}</b> · ${c.state}<br>${parts}`);
    poly.on('click', () => this.map.setView([c.lat, c.lon], Math.min(this.map.getZoom() + 2, 20)));
    poly.addTo(this.dynamic);
    this.cells.set(c.h3, poly);
  }

  removeCell(h3) {
    const p = this.cells.get(h3);
    if (p) {
      this.dynamic.removeLayer(p);
      this.cells.delete(h3);
    }
  }

  /** A live 'points' frame. */
  applyPoints(msg) {
    if (this.mode !== 'points') return;
    for (const id of msg.remove) this.removePoint(id);
    for (const p of msg.upsert) {
      if (this.layers.has(p.layer)) this.upsertPoint(p);
    }
  }

  /** A live 'cells' frame. */
  applyCells(msg) {
    if (this.mode !== 'cells') return;
    if (msg.reset) {
      this.dynamic.clearLayers();
      this.cells.clear();
    }
    for (const h of msg.remove) this.removeCell(h);
    for (const c of msg.upsert) this.upsertCell(c);
  }

  setLayer(id, on) {
    if (on) this.layers.add(id); else this.layers.delete(id);
    this.refresh();
  }

  flyTo(lon, lat, zoom) {
    this.map.flyTo([lat, lon], zoom ?? Math.max(this.config.pointZoom, this.map.getZoom()), { duration: 0.8 });
  }

  flyToBounds(bounds) {
    this.map.flyToBounds(bounds, { padding: [20, 20], duration: 0.8 });
  }

  refreshRoads() {
    return this.loadBase(false).catch(() => {});
  }
}
