// The IOC dashboard page: wires the map, live feed, alarms, KPIs and the drill-down together.
import { getJson, esc, local } from './api.js';
import { t, setLanguage, initialLanguage, onLanguage, num } from './i18n.js';
import { CityMap } from './map.js';
import { Live } from './live.js';
import { Alarms } from './alarms.js';
import { Drill } from './drill.js';
import { Kpis } from './kpis.js';
import { Incidents } from './incidents.js';

const perf = { start: performance.now(), firstPaint: null, longTasks: [] };
try {
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) perf.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
} catch (e) { /* longtask not supported: the benchmark reports none */ }

function liveKey(state) {
  return state === 'live' ? 'live' : state === 'connecting' ? 'connecting' : 'disconnected';
}

async function main() {
  // the base geometry (about 1 MB for the large city) is asked for first, while config and language load
  const basePending = getJson('/api/v1/dashboard/base');
  basePending.catch(() => {});
  const config = await getJson('/api/v1/dashboard/config');
  const langSelect = document.getElementById('lang');
  const code = initialLanguage();
  await setLanguage(code);
  langSelect.value = code;
  langSelect.addEventListener('change', () => setLanguage(langSelect.value));

  const info = document.getElementById('map-info');
  const liveState = document.getElementById('live-state');
  let districts = [];

  const drill = new Drill({
    fly: geo => flyToGeometry(geo),
    districtAlarms: id => kpis.districtAlarms(id),
  });
  const map = new CityMap(document.getElementById('map'), config, {
    select: id => drill.open(id),
    district: id => drill.open(id),
    info: text => { info.textContent = text; },
    view: v => live.setView(v),
  });
  const alarms = new Alarms({
    fly: a => {
      if (a.location && a.location.coordinates) map.flyTo(a.location.coordinates[0], a.location.coordinates[1]);
      if (a.originator) drill.open(a.originator);
    },
    changed: () => { kpis.render(); renderDistricts(); },
  });
  const incidents = new Incidents({
    fly: i => map.flyTo(i.location.coordinates[0], i.location.coordinates[1]),
    entity: id => drill.open(id),
  });
  const kpis = new Kpis({
    liveAlarmCount: () => alarms.alarms.size,
    liveDistrictAlarms: id => alarms.byDistrict().get(id) || 0,
  });
  const live = new Live({
    points: m => map.applyPoints(m),
    cells: m => map.applyCells(m),
    alarm: a => alarms.upsert(a),
    incident: i => incidents.upsert(i),
    resync: () => { map.refresh(); alarms.reload(); incidents.reload(); },
    reload: events => {
      if (events.includes('alarm')) alarms.reload();
      if (events.includes('incident')) incidents.reload();
    },
    status: s => {
      liveState.dataset.state = s;
      liveState.innerHTML = '&#9679; ' + esc(t(liveKey(s)));
    },
  });

  function flyToGeometry(geo) {
    if (!geo) return;
    if (geo.type === 'Point') map.flyTo(geo.coordinates[0], geo.coordinates[1]);
    else map.flyToBounds(L.geoJSON(geo).getBounds());
  }

  // layer toggles: real checkboxes, so keyboard and screen readers work
  const layerList = document.getElementById('layer-list');
  function renderLayers() {
    layerList.querySelectorAll('label').forEach(l => l.remove());
    for (const l of config.layers) {
      const label = document.createElement('label');
      label.innerHTML = `<input type="checkbox" data-layer="${esc(l.id)}" ${map.layers.has(l.id) ? 'checked' : ''}>` +
        ` <span>${esc(t('layer.' + l.id))}</span> <span class="n">${esc(num(l.count))}</span>`;
      label.querySelector('input').addEventListener('change', ev => map.setLayer(l.id, ev.target.checked));
      layerList.appendChild(label);
    }
  }

  function renderDistricts() {
    const ul = document.getElementById('district-list');
    const counts = alarms.byDistrict();
    ul.innerHTML = districts.map(f => {
      const n = kpis.summary?.byDistrict ? (kpis.summary.byDistrict[f.properties.id] || 0) : (counts.get(f.properties.id) || 0);
      return `<li><button type="button" data-id="${esc(f.properties.id)}"><span>${esc(f.properties.name || local(f.properties.id))}</span>` +
        `${n ? `<span class="badge" aria-label="${esc(n + ' ' + t('openAlarmsIn'))}">${esc(n)}</span>` : ''}</button></li>`;
    }).join('');
    for (const b of ul.querySelectorAll('button')) {
      b.addEventListener('click', () => {
        const f = districts.find(d => d.properties.id === b.dataset.id);
        if (f) map.flyToBounds(L.geoJSON(f).getBounds());
        drill.open(b.dataset.id);
      });
    }
  }

  // for the browser tests and the benchmark
  window.cityTwin = { map, live, alarms, drill, kpis, incidents, perf, config };

  renderLayers();
  // with the districts' bounds in the config, the first view's cells load in parallel with the base geometry
  if (config.bounds) map.fitBox(config.bounds);
  [districts] = await Promise.all([map.loadBase(!config.bounds, basePending), config.bounds ? map.refresh() : null]);
  alarms.setDistricts(districts);
  renderDistricts();
  if (!config.bounds) await map.refresh();
  perf.firstPaint = performance.now() - perf.start;
  document.body.dataset.ready = 'true';
  await Promise.all([alarms.load(), kpis.load(), incidents.load()]);
  renderDistricts();
  kpis.loadTrends();
  setInterval(() => kpis.load().then(renderDistricts), 60_000);
  setInterval(() => kpis.loadTrends(), 300_000);
  setInterval(() => map.refreshRoads(), 60_000);

  onLanguage(() => {
    renderLayers();
    renderDistricts();
    alarms.fillDomains();
    alarms.setDistricts(districts);
    alarms.render();
    kpis.render();
    drill.rerender();
    incidents.rerender();
    map.renderInfo();
    liveState.innerHTML = '&#9679; ' + esc(t(liveKey(liveState.dataset.state)));
  });
}

main().catch(e => {
  document.getElementById('map-info').textContent = 'Dashboard failed to start: ' + e.message;
  console.error(e);
});
