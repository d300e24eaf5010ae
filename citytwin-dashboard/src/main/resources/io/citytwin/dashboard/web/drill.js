// Entity drill-down: every attribute, relationships (parent links; children by the query q=ref<Type>=="id"),
// and history charts (ECharts) of any numeric attribute from the temporal API's aggregation (avg/min/max per period).
import { getJson, esc, local } from './api.js';
import { t, num, time } from './i18n.js';
import { spark, KEYS } from './kpis.js';

const RANGES = { '1h': [3600e3, 'PT1M'], '24h': [86400e3, 'PT15M'], '7d': [7 * 86400e3, 'PT1H'], '30d': [30 * 86400e3, 'PT6H'] };
const SKIP = new Set(['id', 'type', '@context', 'createdAt', 'modifiedAt']);
const KPI_KEYS = new Set(KEYS.map(k => k[0]));

// ECharts (1 MB) is loaded on the first chart, not with the page, so the map paints first.
let echartsLoading = null;
function loadEcharts() {
  if (typeof echarts !== 'undefined') return Promise.resolve();
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/webjars/echarts/5.3.1/dist/echarts.min.js';
      s.onload = resolve;
      s.onerror = () => { echartsLoading = null; reject(new Error('ECharts could not be loaded')); };
      document.head.appendChild(s);
    });
  }
  return echartsLoading;
}

export class Drill {
  constructor(handlers) {
    this.handlers = handlers;
    this.root = document.getElementById('drill');
    this.body = document.getElementById('drill-body');
    this.title = document.getElementById('drill-title');
    this.chart = null;
    this.entity = null;
    document.getElementById('drill-close').addEventListener('click', () => this.close());
    document.addEventListener('keydown', e => { if (e.key === 'Escape' && !this.root.hidden) this.close(); });
  }

  close() {
    this.root.hidden = true;
    this.entity = null;
    if (this.chart) { this.chart.dispose(); this.chart = null; }
    this.handlers.closed?.();
  }

  async open(id) {
    this.root.hidden = false;
    this.title.textContent = local(id);
    this.body.innerHTML = `<p class="note">${esc(t('loading'))}</p>`;
    let e;
    try {
      e = await getJson('/ngsi-ld/v1/entities/' + encodeURIComponent(id));
    } catch (err) {
      this.body.innerHTML = `<p class="note">${esc(err.message)}</p>`;
      return;
    }
    this.entity = e;
    this.render();
    this.root.querySelector('#drill-close').focus();
  }

  rerender() {
    if (this.entity) this.render();
  }

  render() {
    const e = this.entity;
    const type = Array.isArray(e.type) ? e.type[0] : e.type;
    this.title.textContent = `${local(type)} · ${local(e.id)}`;
    const rows = [];
    const rels = [];
    const numeric = [];
    let location = null;
    for (const [k, v] of Object.entries(e)) {
      if (SKIP.has(k)) continue;
      const a = Array.isArray(v) ? v[0] : v;
      if (!a || typeof a !== 'object') continue;
      if (a.type === 'Relationship') {
        for (const o of [].concat(a.object)) rels.push([k, o]);
      } else if (a.type === 'GeoProperty') {
        location = a.value;
        rows.push(`<tr><th scope="row">${esc(k)}</th><td>${esc(a.value?.type || '')}</td></tr>`);
      } else {
        const val = a.value ?? a.languageMap ?? a.vocab ?? a.json;
        if (typeof val === 'number') numeric.push(k);
        const shown = typeof val === 'number' ? num(val, 3) : typeof val === 'object' ? JSON.stringify(val) : String(val);
        const sub = a.category ? ` (${esc(a.category.value ?? '')})` : '';
        const slot = KPI_KEYS.has(k) ? ` <span class="spark-slot" data-attr="${esc(k)}"></span>` : '';
        rows.push(`<tr><th scope="row">${esc(k)}</th><td>${esc(shown)}${sub} <span class="unit">${esc(a.unitCode || '')}</span>${slot}` +
          `${a.observedAt ? `<br><span class="unit">${esc(time(a.observedAt))}</span>` : ''}</td></tr>`);
      }
    }
    this.location = location;
    this.body.innerHTML = `
      <div class="chart-controls">
        ${location ? `<button type="button" id="drill-fly">${esc(t('flyTo'))}</button>` : ''}
        ${this.handlers.districtAlarms && local(type) === 'District'
          ? `<span class="note">${esc(t('openAlarmsIn'))}: <b id="drill-district-alarms">${esc(this.handlers.districtAlarms(e.id))}</b></span>` : ''}
      </div>
      <h2>${esc(t('history'))}</h2>
      ${numeric.length ? `<div class="chart-controls">
        <label>${esc(t('attribute'))} <select id="drill-attr">${numeric.map(n => `<option>${esc(n)}</option>`).join('')}</select></label>
        <label>${esc(t('range'))} <select id="drill-range">${Object.keys(RANGES).map(r =>
          `<option value="${r}" ${r === '24h' ? 'selected' : ''}>${esc(t('range.' + r))}</option>`).join('')}</select></label>
      </div>
      <div id="drill-chart" class="chart" role="img" aria-label="${esc(t('history'))}"></div>
      <p id="drill-chart-note" class="note"></p>` : `<p class="note">${esc(t('noData'))}</p>`}
      <h2>${esc(t('attributes'))}</h2>
      <table class="attrs"><caption class="sr-only">${esc(t('attributes'))}</caption><tbody>${rows.join('')}</tbody></table>
      <h2>${esc(t('relationships'))}</h2>
      <ul class="rel-list">${rels.length ? rels.map(([k, o]) =>
        `<li>${esc(k)}: <button type="button" class="linklike" data-go="${esc(o)}">${esc(local(o))}</button></li>`).join('')
        : `<li class="note">${esc(t('none'))}</li>`}</ul>
      <h2>${esc(t('children'))} <span id="drill-children-count" class="note"></span></h2>
      <ul class="rel-list" id="drill-children"><li class="note">${esc(t('loading'))}</li></ul>
`;
    for (const b of this.body.querySelectorAll('[data-go]')) b.addEventListener('click', () => this.open(b.dataset.go));
    this.body.querySelector('#drill-fly')?.addEventListener('click', () => this.handlers.fly?.(location));
    this.children(e.id, local(type));
    if (local(type) === 'District') this.sparklines(e.id, numeric.filter(k => KPI_KEYS.has(k)));
    if (numeric.length) {
      const prefer = ['powerConsumption', 'averageVehicleSpeed', 'pm25', 'airQualityIndex', 'flow', 'turbidity', 'activePower'];
      const first = prefer.find(p => numeric.includes(p)) || numeric[0];
      const sel = this.body.querySelector('#drill-attr');
      sel.value = first;
      const range = this.body.querySelector('#drill-range');
      sel.addEventListener('change', () => this.history());
      range.addEventListener('change', () => this.history());
      this.history();
    }
  }

  /** District view: 24 h trend of each KPI attribute (contract D), hourly averages from the temporal API. */
  async sparklines(id, attrs) {
    if (!attrs.length) return;
    const from = new Date(Date.now() - 86400e3).toISOString();
    try {
      const data = await getJson(`/ngsi-ld/v1/temporal/entities/${encodeURIComponent(id)}?attrs=${attrs.join(',')}` +
        `&timerel=after&timeAt=${encodeURIComponent(from)}&aggrMethods=avg&aggrPeriodDuration=PT1H&options=aggregatedValues`);
      for (const k of attrs) {
        const a = Array.isArray(data[k]) ? data[k][0] : data[k];
        const values = ((a && a.avg) || []).map(([v]) => Number(v));
        const slot = this.body.querySelector(`.spark-slot[data-attr="${k}"]`);
        if (slot && values.length > 1) slot.innerHTML = spark(values, t('trend'));
      }
    } catch (err) {
      /* no history: no sparklines */
    }
  }

  async children(id, type) {
    const ul = this.body.querySelector('#drill-children');
    const q = encodeURIComponent(`ref${type}=="${id}"`);
    try {
      const r = await fetch(`/ngsi-ld/v1/entities?q=${q}&limit=25&count=true`, { headers: { Accept: 'application/json' } });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const list = await r.json();
      const total = r.headers.get('NGSILD-Results-Count');
      this.body.querySelector('#drill-children-count').textContent = total ? '(' + num(Number(total)) + ')' : '';
      ul.innerHTML = list.length ? list.map(c => `<li><button type="button" class="linklike" data-go="${esc(c.id)}">` +
        `${esc(local(Array.isArray(c.type) ? c.type[0] : c.type))} · ${esc(local(c.id))}</button></li>`).join('')
        : `<li class="note">${esc(t('none'))}</li>`;
      for (const b of ul.querySelectorAll('[data-go]')) b.addEventListener('click', () => this.open(b.dataset.go));
    } catch (err) {
      ul.innerHTML = `<li class="note">${esc(err.message)}</li>`;
    }
  }

  async history() {
    const attr = this.body.querySelector('#drill-attr').value;
    const [span, period] = RANGES[this.body.querySelector('#drill-range').value];
    const note = this.body.querySelector('#drill-chart-note');
    const el = this.body.querySelector('#drill-chart');
    const from = new Date(Date.now() - span).toISOString();
    const url = `/ngsi-ld/v1/temporal/entities/${encodeURIComponent(this.entity.id)}?attrs=${encodeURIComponent(attr)}` +
      `&timerel=after&timeAt=${encodeURIComponent(from)}&aggrMethods=avg,min,max&aggrPeriodDuration=${period}` +
      `&options=aggregatedValues`;
    note.textContent = '';
    let data;
    try {
      data = await getJson(url);
    } catch (err) {
      note.textContent = err.status === 404 ? t('noHistory') : String(err.message);
      el.dataset.points = '0';
      return;
    }
    const a = data[attr] ? (Array.isArray(data[attr]) ? data[attr][0] : data[attr]) : {};
    const series = m => (a[m] || []).map(([v, start]) => [start, v]);
    const avg = series('avg');
    el.dataset.points = String(avg.length);
    if (!avg.length) note.textContent = t('noData');
    try {
      await loadEcharts();
    } catch (err) {
      note.textContent = err.message;
      return;
    }
    if (!this.entity || !el.isConnected) return; // closed or re-rendered meanwhile
    if (this.chart && this.chart.getDom() !== el) { this.chart.dispose(); this.chart = null; }
    if (!this.chart) this.chart = echarts.init(el, null, { renderer: 'canvas' });
    this.chart.setOption({
      backgroundColor: 'transparent',
      textStyle: { color: '#e8eef4' },
      grid: { left: 50, right: 16, top: 24, bottom: 56 },
      tooltip: { trigger: 'axis' },
      legend: { data: [t('average'), t('min'), t('max')], textStyle: { color: '#e8eef4' }, top: 0 },
      xAxis: { type: 'time', axisLine: { lineStyle: { color: '#a9b8c6' } } },
      yAxis: { type: 'value', scale: true, axisLine: { lineStyle: { color: '#a9b8c6' } }, splitLine: { lineStyle: { color: '#2e3e4e' } } },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8, textStyle: { color: '#a9b8c6' } }],
      series: [
        { name: t('average'), type: 'line', showSymbol: false, data: avg, lineStyle: { width: 2, color: '#4fb3ff' }, itemStyle: { color: '#4fb3ff' } },
        { name: t('min'), type: 'line', showSymbol: false, data: series('min'), lineStyle: { width: 1, type: 'dashed', color: '#3ecf8e' }, itemStyle: { color: '#3ecf8e' } },
        { name: t('max'), type: 'line', showSymbol: false, data: series('max'), lineStyle: { width: 1, type: 'dashed', color: '#ffb020' }, itemStyle: { color: '#ffb020' } },
      ],
      animation: false,
    }, true);
    this.chart.resize();
  }
}
