// The alarms panel (contract A): open alarms by severity, acknowledge/clear, filters by domain and district, live
// updates from the 'alarm' SSE event. Works without the alarms API (404): live alarms still show, actions hidden.
import { getJson, postJson, esc, local } from './api.js';
import { t, time, lang } from './i18n.js';

const RANK = { critical: 0, major: 1, minor: 2, warning: 3, indeterminate: 4 };
const DOMAINS = ['lighting', 'traffic', 'water', 'environment', 'energy', 'parking', 'device'];
/** The most alarms drawn in the list (the rest are counted; the filters narrow it down). */
const MAX_SHOWN = 100;
/** The shortest interval between two renders of the list: live alarms arrive in bursts of hundreds. */
const RENDER_MS = 1000;

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
    // one delegated listener for every item's buttons, so a render does not attach hundreds of listeners
    this.list.addEventListener('click', ev => {
      const b = ev.target.closest('button[data-act]');
      const li = b?.closest('li.alarm');
      const a = li && this.alarms.get(li.dataset.id);
      if (!a) return;
      if (b.dataset.act === 'fly') this.handlers.fly?.(a);
      else if (b.dataset.act === 'ack') this.act(a, 'acknowledge');
      else if (b.dataset.act === 'clear') this.act(a, 'clear');
    });
    this.items = new Map();
    this.renderTimer = null;
    this.reloadTimer = null;
    this.lastReload = 0;
    this.fillDomains();
  }

  fillDomains() {
    const keep = this.domain.value;
    const seen = new Set(DOMAINS);
    for (const a of this.alarms.values()) if (a.domain) seen.add(a.domain);
    this.domainSet = seen;
    this.domain.innerHTML = `<option value="">${esc(t('all'))}</option>` +
      [...seen].sort().map(d => `<option value="${esc(d)}">${esc(t('layer.' + d) !== 'layer.' + d ? t('layer.' + d) : d)}</option>`).join('');
    this.domain.value = keep;
  }

  setDistricts(features) {
    const keep = this.district.value;
    this.items?.clear(); // the cached items show district names
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

  /**
   * One alarm from the live feed: added, updated, or removed when cleared. The list is redrawn at most every
   * RENDER_MS, not per alarm: a storm of alarms must not hold the page's main thread.
   */
  upsert(a) {
    if (!a || !a.id) return;
    if (a.state === 'cleared') this.alarms.delete(a.id); else this.alarms.set(a.id, a);
    if (a.domain && !this.domainSet?.has(a.domain)) this.fillDomains();
    this.schedule();
  }

  schedule() {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      this.render();
      this.handlers.changed?.();
    }, RENDER_MS);
  }

  /** The feed dropped alarm events (too many at once): reload the list, at most every few seconds. */
  reload() {
    if (this.reloadTimer) return;
    const wait = Math.max(0, this.lastReload + 3000 - Date.now());
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      this.lastReload = Date.now();
      this.load().then(() => this.handlers.changed?.());
    }, wait);
  }

  byDistrict() {
    const m = new Map();
    for (const a of this.alarms.values()) if (a.district) m.set(a.district, (m.get(a.district) || 0) + 1);
    return m;
  }

  /** The list item of an alarm (HTML), cached per alarm and language until the alarm changes. */
  item(a) {
    const sig = [a.state, a.severity, a.lastOccurrence, a.count, a.acknowledgedBy, this.available, lang()].join('|');
    const c = this.items.get(a.id);
    if (c && c.sig === sig) return c.el;
    const tpl = document.createElement('template');
    tpl.innerHTML = `
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
      </li>`.trim();
    const el = tpl.content.firstChild;
    this.items.set(a.id, { sig, el });
    return el;
  }

  render() {
    this.note.textContent = this.noteKey ? t(this.noteKey) : (this.noteText || '');
    const d = this.domain.value;
    const di = this.district.value;
    // plain string comparison of ISO-8601 times (localeCompare is an ICU collation: slow for thousands)
    const list = [...this.alarms.values()]
      .filter(a => (!d || a.domain === d) && (!di || a.district === di))
      .sort((x, y) => (RANK[x.severity] ?? 9) - (RANK[y.severity] ?? 9)
        || (String(y.lastOccurrence) > String(x.lastOccurrence) ? 1 : String(y.lastOccurrence) < String(x.lastOccurrence) ? -1 : 0));
    this.count.textContent = this.alarms.size ? String(this.alarms.size) : '';
    this.count.setAttribute('aria-label', this.alarms.size + ' ' + t('openAlarmsIn'));
    for (const id of this.items.keys()) if (!this.alarms.has(id)) this.items.delete(id);
    if (!list.length) {
      this.list.innerHTML = `<li class="note">${esc(t('noAlarms'))}</li>`;
      return;
    }
    const more = list.length - MAX_SHOWN;
    // unchanged alarms keep their element: only new or changed ones are parsed, the list is re-ordered in one go
    const els = list.slice(0, MAX_SHOWN).map(a => this.item(a));
    if (more > 0) {
      const li = document.createElement('li');
      li.className = 'note more';
      li.textContent = t('moreAlarms', { n: more });
      els.push(li);
    }
    const now = this.list.children;
    if (now.length !== els.length || els.some((el, i) => now[i] !== el)) this.list.replaceChildren(...els);
    else if (more > 0) now[now.length - 1].textContent = t('moreAlarms', { n: more });
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
