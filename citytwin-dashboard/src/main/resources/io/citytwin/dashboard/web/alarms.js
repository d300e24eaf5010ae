// The alarms panel (contract A): open alarms by severity, acknowledge/clear, filters by domain and district, live
// updates from the 'alarm' SSE event. Works without the alarms API (404): live alarms still show, actions hidden.
import { getJson, postJson, esc, local } from './api.js';
import { t, time } from './i18n.js';

const RANK = { critical: 0, major: 1, minor: 2, warning: 3, indeterminate: 4 };
const DOMAINS = ['lighting', 'traffic', 'water', 'environment', 'energy', 'parking', 'device'];

export class Alarms {
  constructor(handlers) {
    this.handlers = handlers;
    this.alarms = new Map();
    this.available = null;
    this.list = document.getElementById('alarm-list');
    this.domain = document.getElementById('alarm-domain');
    this.district = document.getElementById('alarm-district');
    this.note = document.getElementById('alarm-note');
    this.count = document.getElementById('alarm-count');
    this.districtNames = new Map();
    this.domain.addEventListener('change', () => this.render());
    this.district.addEventListener('change', () => this.render());
    this.fillDomains();
  }

  fillDomains() {
    const keep = this.domain.value;
    const seen = new Set(DOMAINS);
    for (const a of this.alarms.values()) seen.add(a.domain);
    this.domain.innerHTML = `<option value="">${esc(t('all'))}</option>` +
      [...seen].sort().map(d => `<option value="${esc(d)}">${esc(t('layer.' + d) !== 'layer.' + d ? t('layer.' + d) : d)}</option>`).join('');
    this.domain.value = keep;
  }

  setDistricts(features) {
    const keep = this.district.value;
    this.districtNames.clear();
    for (const f of features) this.districtNames.set(f.properties.id, f.properties.name || local(f.properties.id));
    this.district.innerHTML = `<option value="">${esc(t('all'))}</option>` +
      features.map(f => `<option value="${esc(f.properties.id)}">${esc(f.properties.name || local(f.properties.id))}</option>`).join('');
    this.district.value = keep;
  }

  async load() {
    try {
      const list = await getJson('/api/v1/alarms?state=active,acknowledged&limit=500');
      this.available = true;
      this.alarms.clear();
      for (const a of list) this.alarms.set(a.id, a);
      this.noteKey = null;
      this.noteText = '';
    } catch (e) {
      this.available = false;
      this.noteKey = e.status === 404 ? 'alarmsUnavailable' : null;
      this.noteText = String(e.message);
    }
    this.fillDomains();
    this.render();
  }

  /** One alarm from the live feed: added, updated, or removed when cleared. */
  upsert(a) {
    if (!a || !a.id) return;
    if (a.state === 'cleared') this.alarms.delete(a.id); else this.alarms.set(a.id, a);
    if (a.domain && ![...this.domain.options].some(o => o.value === a.domain)) this.fillDomains();
    this.render();
    this.handlers.changed?.();
  }

  byDistrict() {
    const m = new Map();
    for (const a of this.alarms.values()) if (a.district) m.set(a.district, (m.get(a.district) || 0) + 1);
    return m;
  }

  render() {
    this.note.textContent = this.noteKey ? t(this.noteKey) : (this.noteText || '');
    const d = this.domain.value;
    const di = this.district.value;
    const list = [...this.alarms.values()]
      .filter(a => (!d || a.domain === d) && (!di || a.district === di))
      .sort((x, y) => (RANK[x.severity] ?? 9) - (RANK[y.severity] ?? 9)
        || String(y.lastOccurrence).localeCompare(String(x.lastOccurrence)));
    this.count.textContent = this.alarms.size ? String(this.alarms.size) : '';
    this.count.setAttribute('aria-label', this.alarms.size + ' ' + t('openAlarmsIn'));
    if (!list.length) {
      this.list.innerHTML = `<li class="note">${esc(t('noAlarms'))}</li>`;
      return;
    }
    this.list.innerHTML = list.map(a => `
      <li class="alarm ${esc(a.severity)} ${esc(a.state)}" data-id="${esc(a.id)}">
        <div class="head">
          <span class="sev ${esc(a.severity)}">${esc(t('severity.' + a.severity))}</span>
          <span class="type">${esc(a.type)}</span>
          <span class="when">${a.lastOccurrence ? esc(time(a.lastOccurrence)) : ''}${a.count > 1 ? ' ×' + esc(a.count) : ''}</span>
        </div>
        <div class="desc">${esc(a.description || '')}</div>
        <button type="button" class="orig" data-act="fly" title="${esc(t('flyTo'))}">${esc(local(a.originator || ''))}</button>
        ${a.district ? `<span class="note"> · ${esc(this.districtNames.get(a.district) || local(a.district))}</span>` : ''}
        <span class="note"> · ${esc(t('state.' + a.state))}${a.acknowledgedBy ? ' (' + esc(a.acknowledgedBy) + ')' : ''}</span>
        ${this.available ? `<div class="actions">
          ${a.state === 'active' ? `<button type="button" data-act="ack">${esc(t('acknowledge'))}</button>` : ''}
          <button type="button" data-act="clear">${esc(t('clear'))}</button></div>` : ''}
      </li>`).join('');
    for (const li of this.list.querySelectorAll('li.alarm')) {
      const a = this.alarms.get(li.dataset.id);
      li.querySelector('[data-act="fly"]').addEventListener('click', () => this.handlers.fly?.(a));
      li.querySelector('[data-act="ack"]')?.addEventListener('click', () => this.act(a, 'acknowledge'));
      li.querySelector('[data-act="clear"]')?.addEventListener('click', () => this.act(a, 'clear'));
    }
  }

  async act(a, what) {
    try {
      const updated = await postJson('/api/v1/alarms/' + encodeURIComponent(a.id) + '/' + what, { by: 'operator' });
      this.upsert(updated || { ...a, state: what === 'clear' ? 'cleared' : 'acknowledged' });
    } catch (e) {
      this.noteKey = null;
      this.noteText = String(e.message);
      this.render();
    }
  }
}
