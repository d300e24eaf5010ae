// The city map: Leaflet with the districts as Leaflet polygons (a few dozen, with tooltips) and everything numerous
// (roads, H3 cells, points) on one batched canvas (fastlayer.js). Base geometry from the twin itself, so it works
// offline; entities as server-side H3 cells at low zoom and as points (only the view, capped) above the point zoom.
import { getJson, esc } from './api.js';
import { t, num } from './i18n.js';
import { FastLayer } from './fastlayer.js';

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
        layer.on('click', e => {
          if (!this.fast.hitAt(e.containerPoint)) this.handlers.district?.(f.properties.id); // a point or cell wins
        });
      },
    }).addTo(this.map);
    this.fast = new FastLayer({
      point: p => this.handlers.select?.(p.id),
      cell: c => this.map.setView([c.lat, c.lon], Math.min(this.map.getZoom() + 2, 20)),
      tooltip: hit => hit.point
        ? `${esc(hit.point.type)} · ${esc(hit.point.state)}<br>${esc(hit.point.id)}`
        : this.cellTooltip(hit.cell),
    }).addTo(this.map);
    this.roadCount = 0;
    this.map.setView([52.52, 13.40], 13);
    // keyboard: the arrow keys and +/- pan and zoom (Leaflet); Enter opens the entity nearest to the centre
    el.addEventListener('keydown', e => {
      if (e.key !== 'Enter' || this.mode !== 'points' || !this.points.size) return;
      const c = this.map.getCenter();
      let best = null;
      let bestD = Infinity;
      for (const p of this.points.values()) {
        const d = this.map.distance(c, [p.lat, p.lon]);
        if (d < bestD) { bestD = d; best = p; }
      }
      if (best) this.handlers.select?.(best.id);
    });
    let timer = null;
    this.map.on('moveend', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.refresh(), 120);
    });
  }

  /** Loads districts and roads (from {@code pending}, a request already under way, if given) and fits the view. */
  async loadBase(fit = true, pending = null) {
    const base = await (pending || getJson('/api/v1/dashboard/base'));
    const districts = base.features.filter(f => f.properties.kind === 'district');
    const roads = base.features.filter(f => f.properties.kind === 'road');
    this.districtLayer.clearLayers().addData(districts);
    this.fast.setRoads(roads, f => ({
      color: f.properties.severity ? SEV[f.properties.severity] : '#3a4b5c',
      weight: f.properties.roadClass === 'primary' ? 3 : 1.5,
    }));
    this.roadCount = roads.length;
    this.districtFeatures = districts;
    if (fit) {
      const b = this.districtLayer.getBounds().isValid() ? this.districtLayer.getBounds() : L.geoJSON(roads).getBounds();
      if (b.isValid()) this.map.fitBounds(b, { padding: [10, 10] });
    }
    return districts;
  }

  /** Shows the box [west, south, east, north] (the districts' bounds from the config). */
  fitBox(b) {
    this.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [10, 10], animate: false });
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
    this.applyView(data);
  }

  /** Draws a /map answer: the view's cells or points replace what was shown. */
  applyView(data) {
    this.queued = []; // live frames of the old view
    this.fast.clearDynamic();
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
    this.points.set(p.id, p);
    this.fast.setPoint(p, stateColor(p.layer, p.state, p.severity), p.severity >= 3 ? '#ffffff' : '#0b1118',
      p.severity >= 3 ? 7 : 5);
  }

  removePoint(id) {
    this.points.delete(id);
    this.fast.removePoint(id);
  }

  cellTooltip(c) {
    const parts = Object.entries(c.layers).map(([l, n]) => `${esc(t('layer.' + l))}: ${esc(num(n))}`).join('<br>');
    return `<b>${esc(num(c.count))}</b> · ${esc(c.state)}<br>${parts}`;
  }

  upsertCell(c) {
    // opacity in steps of 0.1: cells of one colour and step share one canvas fill
    const opacity = Math.round(Math.min(0.85, 0.25 + Math.log10(c.count + 1) / 4) * 10) / 10;
    const old = this.cells.get(c.h3);
    // a cell already drawn keeps its boundary (live frames of known cells may omit it)
    const boundary = c.boundary || old?.boundary;
    if (!boundary) return;
    this.cells.set(c.h3, { ...c, boundary });
    this.fast.setCell(c.h3, boundary, SEV[c.worst] || SEV[0], opacity, this.cells.get(c.h3));
  }

  removeCell(h3) {
    this.cells.delete(h3);
    this.fast.removeCell(h3);
  }

  /**
   * A live 'points' or 'cells' frame: queued and applied in the next animation frame, so any number of frames that
   * arrive together cost one pass and one canvas redraw.
   */
  applyPoints(msg) {
    this.enqueue('points', msg);
  }

  applyCells(msg) {
    this.enqueue('cells', msg);
  }

  enqueue(kind, msg) {
    (this.queued ||= []).push([kind, msg]);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    requestAnimationFrame(() => {
      this.drainScheduled = false;
      const q = this.queued;
      this.queued = [];
      for (const [k, m] of q) {
        if (k === 'points') this.drawPoints(m); else this.drawCells(m);
      }
    });
  }

  drawPoints(msg) {
    if (this.mode !== 'points') return;
    for (const id of msg.remove) this.removePoint(id);
    for (const p of msg.upsert) {
      if (this.layers.has(p.layer)) this.upsertPoint(p);
    }
  }

  drawCells(msg) {
    if (this.mode !== 'cells') return;
    if (msg.reset) {
      for (const h of [...this.cells.keys()]) this.removeCell(h);
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
