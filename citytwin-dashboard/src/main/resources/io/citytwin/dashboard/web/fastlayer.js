// One canvas for the many things on the map: road segments, H3 cells and entity points.
//
// DESIGN. Leaflet's own vector layers cost one object, its event wiring and a re-projection of every vertex per zoom
// for each of thousands of roads, hexagons and points; with the large city (4,704 roads, 3,000 cells or 5,000 points
// in view) building them and re-projecting them on every zoom made main-thread tasks of several hundred ms. Here each
// shape is a plain record whose vertices are projected once to Web Mercator at zoom 0 (EPSG:3857 "world pixels",
// L.CRS.EPSG3857 as Leaflet uses it), so drawing at zoom z is one multiply by 2^z and one subtraction per vertex, shapes
// outside the view are skipped by their bounding box, and shapes of one style share one path (one stroke or fill call
// per style rather than per shape). Drawing happens at most once per animation frame, whatever asked for it (a live
// frame, a pan, a zoom). Hit testing (click, tooltip) runs only on pointer events: nearest point within a few pixels,
// else the cell under the pointer (ray casting).
const TAU = Math.PI * 2;

function project(lat, lon) {
  const p = L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lon), 0);
  return [p.x, p.y];
}

function boxOf(xy) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i], y = xy[i + 1];
    if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

function inside(xy, x, y) {
  let c = false;
  for (let i = 0, j = xy.length - 2; i < xy.length; j = i, i += 2) {
    const xi = xy[i], yi = xy[i + 1], xj = xy[j], yj = xy[j + 1];
    if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) c = !c;
  }
  return c;
}

export const FastLayer = L.Layer.extend({
  initialize(handlers) {
    this.handlers = handlers || {};
    this.roads = [];
    this.cells = new Map();
    this.points = new Map();
    this.frame = null;
    this.draws = 0;
  },

  onAdd(map) {
    this.canvas = L.DomUtil.create('canvas', 'leaflet-zoom-hide citytwin-fast');
    this.canvas.style.pointerEvents = 'none';
    map.getPane('overlayPane').appendChild(this.canvas);
    map.on('moveend zoomend resize viewreset', this.schedule, this);
    map.on('click', this.onClick, this);
    map.on('mousemove', this.onMove, this);
    this.tip = L.tooltip({ direction: 'top', offset: [0, -6] });
    this.schedule();
  },

  onRemove(map) {
    map.off('moveend zoomend resize viewreset', this.schedule, this);
    map.off('click', this.onClick, this);
    map.off('mousemove', this.onMove, this);
    this.canvas.remove();
  },

  /** Road segments: GeoJSON features (LineString / MultiLineString) with a stroke colour and width. */
  setRoads(features, style) {
    this.roads = [];
    for (const f of features) {
      const g = f.geometry;
      const lines = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
      const s = style(f);
      for (const line of lines) {
        const xy = new Float64Array(line.length * 2);
        line.forEach(([lon, lat], i) => { const p = project(lat, lon); xy[2 * i] = p[0]; xy[2 * i + 1] = p[1]; });
        this.roads.push({ xy, box: boxOf(xy), color: s.color, width: s.weight, feature: f });
      }
    }
    this.schedule();
  },

  clearDynamic() {
    this.cells.clear();
    this.points.clear();
    this.schedule();
  },

  /** An H3 cell: boundary [lat, lon, ...] from the server, fill colour and opacity, and the cell for hit tests. */
  setCell(h3, boundary, fill, opacity, cell) {
    const old = this.cells.get(h3);
    if (old) {
      old.fill = fill; old.opacity = opacity; old.cell = cell;
    } else {
      const xy = new Float64Array(boundary.length);
      for (let i = 0; i < boundary.length; i += 2) {
        const p = project(boundary[i], boundary[i + 1]);
        xy[i] = p[0]; xy[i + 1] = p[1];
      }
      this.cells.set(h3, { xy, box: boxOf(xy), fill, opacity, cell });
    }
    this.schedule();
  },

  removeCell(h3) {
    if (this.cells.delete(h3)) this.schedule();
  },

  /** A point: its colour, outline, radius in pixels and the point for hit tests. */
  setPoint(p, fill, stroke, radius) {
    const [x, y] = project(p.lat, p.lon);
    this.points.set(p.id, { x, y, fill, stroke, radius, point: p });
    this.schedule();
  },

  removePoint(id) {
    if (this.points.delete(id)) this.schedule();
  },

  /** Draws in the next animation frame (once, however often it is asked). */
  schedule() {
    if (this.frame !== null || !this._map) return;
    this.frame = requestAnimationFrame(() => { this.frame = null; this.draw(); });
  },

  draw() {
    const map = this._map;
    if (!map) return;
    const size = map.getSize();
    const ratio = window.devicePixelRatio || 1;
    const c = this.canvas;
    if (c.width !== size.x * ratio || c.height !== size.y * ratio) {
      c.width = size.x * ratio; c.height = size.y * ratio;
      c.style.width = size.x + 'px'; c.style.height = size.y + 'px';
    }
    L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
    const ctx = c.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const s = map.getZoomScale(map.getZoom(), 0);
    const o = map.getPixelBounds().min;
    // the view in zoom-0 units, with a margin for strokes
    const m = 8 / s;
    const vx0 = o.x / s - m, vy0 = o.y / s - m, vx1 = (o.x + size.x) / s + m, vy1 = (o.y + size.y) / s + m;
    const visible = b => b[2] >= vx0 && b[0] <= vx1 && b[3] >= vy0 && b[1] <= vy1;

    // roads: one path per style
    const byStyle = new Map();
    for (const r of this.roads) {
      if (!visible(r.box)) continue;
      const k = r.color + '|' + r.width;
      let list = byStyle.get(k);
      if (!list) byStyle.set(k, list = []);
      list.push(r);
    }
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const list of byStyle.values()) {
      ctx.beginPath();
      for (const r of list) {
        const xy = r.xy;
        ctx.moveTo(xy[0] * s - o.x, xy[1] * s - o.y);
        for (let i = 2; i < xy.length; i += 2) ctx.lineTo(xy[i] * s - o.x, xy[i + 1] * s - o.y);
      }
      ctx.strokeStyle = list[0].color;
      ctx.lineWidth = list[0].width;
      ctx.globalAlpha = 0.85;
      ctx.stroke();
    }

    // cells: fills grouped by colour and opacity, one outline path
    const fills = new Map();
    const outline = [];
    for (const cell of this.cells.values()) {
      if (!visible(cell.box)) continue;
      const k = cell.fill + '|' + cell.opacity.toFixed(2);
      let list = fills.get(k);
      if (!list) fills.set(k, list = []);
      list.push(cell);
      outline.push(cell);
    }
    const ring = xy => {
      ctx.moveTo(xy[0] * s - o.x, xy[1] * s - o.y);
      for (let i = 2; i < xy.length; i += 2) ctx.lineTo(xy[i] * s - o.x, xy[i + 1] * s - o.y);
      ctx.closePath();
    };
    for (const list of fills.values()) {
      ctx.beginPath();
      for (const cell of list) ring(cell.xy);
      ctx.fillStyle = list[0].fill;
      ctx.globalAlpha = list[0].opacity;
      ctx.fill();
    }
    if (outline.length) {
      ctx.beginPath();
      for (const cell of outline) ring(cell.xy);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = '#0b1118';
      ctx.lineWidth = 1;
      ctx.stroke();
    }

    // points: grouped by fill, outline and radius
    const groups = new Map();
    for (const p of this.points.values()) {
      if (p.x < vx0 || p.x > vx1 || p.y < vy0 || p.y > vy1) continue;
      const k = p.fill + '|' + p.stroke + '|' + p.radius;
      let list = groups.get(k);
      if (!list) groups.set(k, list = []);
      list.push(p);
    }
    ctx.globalAlpha = 0.95;
    ctx.lineWidth = 1;
    // failed (large, white-outlined) points last, so they stay on top
    for (const list of [...groups.values()].sort((a, b) => a[0].radius - b[0].radius)) {
      ctx.beginPath();
      for (const p of list) {
        const x = p.x * s - o.x, y = p.y * s - o.y;
        ctx.moveTo(x + p.radius, y);
        ctx.arc(x, y, p.radius, 0, TAU);
      }
      ctx.fillStyle = list[0].fill;
      ctx.fill();
      ctx.strokeStyle = list[0].stroke;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    this.draws++;
  },

  /** What is under a container point: {point} or {cell} or null. */
  hitAt(cp) {
    const map = this._map;
    if (!map) return null;
    const s = map.getZoomScale(map.getZoom(), 0);
    const o = map.getPixelBounds().min;
    const x = (cp.x + o.x) / s, y = (cp.y + o.y) / s;
    let best = null;
    let bestD = Infinity;
    for (const p of this.points.values()) {
      const dx = (p.x - x) * s, dy = (p.y - y) * s;
      const d = dx * dx + dy * dy;
      const r = p.radius + 3;
      if (d <= r * r && d < bestD) { bestD = d; best = p; }
    }
    if (best) return { point: best.point };
    for (const cell of this.cells.values()) {
      const b = cell.box;
      if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
      if (inside(cell.xy, x, y)) return { cell: cell.cell };
    }
    return null;
  },

  onClick(e) {
    const hit = this.hitAt(e.containerPoint);
    if (hit?.point) this.handlers.point?.(hit.point);
    else if (hit?.cell) this.handlers.cell?.(hit.cell);
  },

  onMove(e) {
    this.lastMove = e;
    if (this.moveFrame) return;
    this.moveFrame = requestAnimationFrame(() => {
      this.moveFrame = null;
      const ev = this.lastMove;
      const hit = this.hitAt(ev.containerPoint);
      const html = hit && this.handlers.tooltip?.(hit);
      const map = this._map;
      if (!map) return;
      if (html) {
        this.tip.setLatLng(ev.latlng).setContent(html);
        if (!map.hasLayer(this.tip)) this.tip.addTo(map);
        map.getContainer().style.cursor = 'pointer';
      } else {
        if (map.hasLayer(this.tip)) map.removeLayer(this.tip);
        map.getContainer().style.cursor = '';
      }
    });
  },
});
