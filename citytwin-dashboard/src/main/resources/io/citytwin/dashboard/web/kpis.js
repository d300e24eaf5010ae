// KPI strip (contract D: GET /api/v1/kpis) with trend sparklines from the temporal API on the District entities,
// and open alarms from /api/v1/alarms/summary. Absent endpoints show "not available"; nothing breaks.
import { getJson, esc } from './api.js';
import { t, num } from './i18n.js';

export const KEYS = [
  ['airQualityIndex', 0, ''], ['waterQualityIndex', 0, ''], ['trafficIndex', 2, ''],
  ['lampsFailed', 0, ''], ['lampsOn', 0, ''], ['energyToday', 0, 'kWh'],
];

export class Kpis {
  constructor(handlers) {
    this.handlers = handlers;
    this.el = document.getElementById('kpi-list');
    this.kpis = null;
    this.summary = null;
    this.trends = {};
  }

  async load() {
    try { this.kpis = await getJson('/api/v1/kpis'); } catch (e) { this.kpis = null; }
    try { this.summary = await getJson('/api/v1/alarms/summary'); } catch (e) { this.summary = null; }
    this.render();
  }

  async loadTrends() {
    const from = new Date(Date.now() - 86400e3).toISOString();
    const attrs = KEYS.map(k => k[0]).join(',');
    try {
      const list = await getJson(`/ngsi-ld/v1/temporal/entities?type=District&attrs=${attrs}&timerel=after` +
        `&timeAt=${encodeURIComponent(from)}&aggrMethods=avg&aggrPeriodDuration=PT1H&options=aggregatedValues&limit=100`);
      const trends = {};
      for (const [k] of KEYS) {
        const buckets = new Map();
        for (const e of list || []) {
          const a = Array.isArray(e[k]) ? e[k][0] : e[k];
          for (const [v, start] of (a && a.avg) || []) {
            const b = buckets.get(start) || [0, 0];
            b[0] += Number(v); b[1]++;
            buckets.set(start, b);
          }
        }
        trends[k] = [...buckets.entries()].sort((x, y) => x[0].localeCompare(y[0])).map(([, [s, n]]) => s / n);
      }
      this.trends = trends;
    } catch (e) {
      this.trends = {};
    }
    this.render();
  }

  openAlarms() {
    if (this.summary && typeof this.summary.open === 'number') return this.summary.open;
    return this.handlers.liveAlarmCount?.() ?? null;
  }

  districtAlarms(id) {
    if (this.summary && this.summary.byDistrict) return this.summary.byDistrict[id] || 0;
    return this.handlers.liveDistrictAlarms?.(id) ?? 0;
  }

  render() {
    const city = (this.kpis && this.kpis.city) || {};
    const tiles = KEYS.map(([k, digits, unit]) => {
      const v = city[k];
      const value = typeof v === 'number' ? v : (v && typeof v.value === 'number' ? v.value : null);
      return this.tile(k, value, digits, unit, this.trends[k]);
    });
    tiles.push(this.tile('openAlarms', this.openAlarms(), 0, '', null));
    this.el.innerHTML = tiles.join('');
  }

  tile(k, value, digits, unit, trend) {
    const na = value === null || value === undefined;
    return `<li class="kpi${na ? ' na' : ''}" data-kpi="${k}">
      <div class="label">${esc(t('kpi.' + k))}</div>
      <div class="value">${na ? esc(t('notAvailable')) : esc(num(value, digits)) + (unit ? ` <small>${esc(unit)}</small>` : '')}</div>
      ${trend && trend.length > 1 ? spark(trend, t('trend')) : ''}
    </li>`;
  }
}

/** A tiny SVG trend line of the values (oldest first). */
export function spark(values, label) {
  const w = 100, h = 18;
  const lo = Math.min(...values), hi = Math.max(...values);
  const span = hi - lo || 1;
  const pts = values.map((v, i) => `${(i / (values.length - 1) * w).toFixed(1)},${(h - 1 - (v - lo) / span * (h - 2)).toFixed(1)}`);
  return `<svg class="spark" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(label)}">` +
    `<polyline fill="none" stroke="#4fb3ff" stroke-width="1.5" points="${pts.join(' ')}"/></svg>`;
}
