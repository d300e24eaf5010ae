// The incidents panel (issue 8; REST API of contract B, live 'incident' SSE events): a list with status, priority,
// category, department and SLA state; a detail with the timeline; dispatch (choose a department), resolve, close and
// reopen. Without the incidents API (404) the panel says so and nothing else changes.
import { getJson, postJson, esc, local } from './api.js';
import { t, time } from './i18n.js';

/** The statuses of contract A and which are "open". */
const OPEN = ['new', 'triaged', 'dispatched', 'in-progress'];
/** The default dispatch catalogue's departments (contract A). */
export const DEPARTMENTS = ['lighting', 'traffic', 'water', 'environment', 'roads', 'sanitation', 'parks',
  'citizen-services'];
const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };
const RENDER_MS = 500;
const LIMIT = 50;
/** The filter choices: the status query each one sends. */
const FILTERS = { open: OPEN.join(','), resolved: 'resolved', closed: 'closed', all: '' };

/** A translated vocabulary term, the term itself when there is no translation. */
function term(prefix, v) {
  if (v === null || v === undefined || v === '') return '';
  const k = prefix + '.' + v;
  const s = t(k);
  return s === k ? String(v) : s;
}

export class Incidents {
  constructor(handlers) {
    this.handlers = handlers;
    this.el = document.getElementById('incidents');
    this.listEl = document.getElementById('incident-list');
    this.detailEl = document.getElementById('incident-detail');
    this.note = document.getElementById('incident-note');
    this.count = document.getElementById('incident-count');
    this.filter = document.getElementById('incident-filter');
    this.available = null;
    this.incidents = new Map();
    this.total = 0;
    this.detail = null;
    this.message = null;
    this.renderTimer = null;
    this.reloadTimer = null;
    this.lastReload = 0;
    this.filter.addEventListener('change', () => this.load());
    this.listEl.addEventListener('click', ev => {
      const b = ev.target.closest('button[data-open]');
      if (b) this.open(b.dataset.open);
    });
    this.detailEl.addEventListener('click', ev => {
      const b = ev.target.closest('button[data-act]');
      if (b) this.action(b.dataset.act);
    });
    this.detailEl.addEventListener('keydown', ev => {
      if (ev.key === 'Escape') { ev.stopPropagation(); this.back(); }
    });
  }

  statusQuery() {
    return FILTERS[this.filter.value] ?? FILTERS.open;
  }

  matches(i) {
    const q = this.statusQuery();
    return !q || q.split(',').includes(i.status);
  }

  /** Loads the list for the filter; a 404 means the node has no incidents API. */
  async load() {
    const q = this.statusQuery();
    try {
      const r = await getJson('/api/v1/incidents?limit=' + LIMIT + (q ? '&status=' + encodeURIComponent(q) : ''));
      this.available = true;
      this.incidents.clear();
      for (const i of r.incidents || []) this.incidents.set(i.id, i);
      this.total = typeof r.total === 'number' ? r.total : this.incidents.size;
      this.noteKey = null;
      this.noteText = '';
    } catch (e) {
      this.available = e.status === 404 ? false : this.available;
      this.noteKey = e.status === 404 ? 'incidentsUnavailable' : null;
      this.noteText = e.status === 404 ? '' : String(e.message);
    }
    this.el.dataset.available = String(this.available === true);
    this.render();
  }

  /** The feed dropped incident events (too many at once): reload, at most every few seconds. */
  reload() {
    if (this.reloadTimer || this.available === false) return;
    const wait = Math.max(0, this.lastReload + 3000 - Date.now());
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      this.lastReload = Date.now();
      this.load();
      if (this.detail) this.open(this.detail.id, false);
    }, wait);
  }

  /** One incident from the live feed: the list follows (throttled), an open detail reloads its timeline. */
  upsert(i) {
    if (!i || !i.id || this.available === false) return;
    const known = this.incidents.has(i.id);
    if (this.matches(i)) {
      if (!known) this.total++;
      this.incidents.set(i.id, i);
    } else if (known) {
      this.incidents.delete(i.id);
      this.total = Math.max(0, this.total - 1);
    }
    if (this.detail && this.detail.id === i.id && i.updatedAt !== this.detail.updatedAt) this.open(i.id, false);
    this.schedule();
  }

  schedule() {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = null;
      this.render();
    }, RENDER_MS);
  }

  sorted() {
    return [...this.incidents.values()].sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt))
      || (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9));
  }

  render() {
    this.note.textContent = this.noteKey ? t(this.noteKey) : (this.noteText || '');
    const open = [...this.incidents.values()].filter(i => OPEN.includes(i.status)).length;
    this.count.textContent = this.available ? String(this.total) : '';
    this.count.setAttribute('aria-label', t('incidentCount', { n: this.total, open }));
    this.filter.disabled = this.available === false;
    if (this.available === false) {
      this.listEl.innerHTML = '';
      this.detailEl.hidden = true;
      this.listEl.hidden = false;
      return;
    }
    const list = this.sorted().slice(0, LIMIT);
    this.listEl.innerHTML = list.length ? list.map(i => `
      <li class="incident prio-${esc(i.priority)}" data-id="${esc(i.id)}" data-status="${esc(i.status)}">
        <button type="button" class="inc-open" data-open="${esc(i.id)}"
          aria-label="${esc(t('incidentOpen', { title: i.title || i.id }))}">
          <span class="head">
            <span class="status st-${esc(i.status)}">${esc(term('status', i.status))}</span>
            <span class="prio">${esc(term('priority', i.priority))}</span>
            ${i.sla ? `<span class="sla sla-${esc(i.sla)}">${esc(t('sla'))}: ${esc(term('sla', i.sla))}</span>` : ''}
          </span>
          <span class="title">${esc(i.title || i.id)}</span>
          <span class="meta">${esc(term('category', i.category))} · ${esc(i.department ? term('dept', i.department) : t('unassigned'))}
            · ${esc(i.updatedAt ? time(i.updatedAt) : '')}</span>
        </button>
      </li>`).join('') : `<li class="note">${esc(t('noIncidents'))}</li>`;
    if (this.detail) this.renderDetail();
  }

  /** Opens the detail of an incident (GET /api/v1/incidents/{id}: the incident with its timeline). */
  async open(id, focus = true) {
    try {
      const d = await getJson('/api/v1/incidents/' + encodeURIComponent(id));
      this.detail = d;
      this.message = null;
      this.incidents.has(d.id) && this.matches(d) && this.incidents.set(d.id, d);
    } catch (e) {
      this.detail = { id, error: String(e.message) };
    }
    this.renderDetail();
    if (focus) this.detailEl.querySelector('h3')?.focus();
  }

  back() {
    const id = this.detail?.id;
    this.detail = null;
    this.detailEl.hidden = true;
    this.detailEl.innerHTML = '';
    this.el.classList.remove('open');
    this.listEl.hidden = false;
    this.render();
    this.listEl.querySelector(`button[data-open="${CSS.escape(id || '')}"]`)?.focus();
  }

  renderDetail() {
    const i = this.detail;
    if (!i) return;
    this.listEl.hidden = true;
    this.detailEl.hidden = false;
    this.el.classList.add('open'); // the detail gets most of the side column
    const focusedAct = document.activeElement?.dataset?.act;
    const keepDept = this.detailEl.querySelector('#incident-dept')?.value;
    const keepNote = this.detailEl.querySelector('#incident-note-text')?.value || '';
    if (i.error) {
      this.detailEl.innerHTML = `<button type="button" data-act="back">${esc(t('back'))}</button>
        <p class="note">${esc(i.error)}</p>`;
      return;
    }
    const status = i.status;
    const can = {
      dispatch: ['new', 'triaged', 'dispatched', 'in-progress'].includes(status),
      resolve: ['dispatched', 'in-progress'].includes(status),
      close: status === 'resolved' || OPEN.includes(status),
      reopen: status === 'resolved' || status === 'closed',
    };
    const depts = [...new Set([...DEPARTMENTS, ...(i.department ? [i.department] : [])])];
    const dept = keepDept || i.department || '';
    const timeline = (i.timeline || []).slice().sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    const field = (k, v) => v ? `<tr><th scope="row">${esc(t(k))}</th><td>${v}</td></tr>` : '';
    this.detailEl.innerHTML = `
      <div class="inc-detail-head">
        <button type="button" data-act="back">&larr; ${esc(t('back'))}</button>
        ${i.location && i.location.coordinates ? `<button type="button" data-act="fly">${esc(t('flyTo'))}</button>` : ''}
        ${i.entity ? `<button type="button" data-act="entity">${esc(local(i.entity))}</button>` : ''}
      </div>
      <h3 id="incident-title" tabindex="-1">${esc(i.title || i.id)}</h3>
      <p class="inc-id">${esc(i.id)}</p>
      ${i.description ? `<p class="desc">${esc(i.description)}</p>` : ''}
      <table class="attrs inc-fields">
        ${field('status', `<span class="status st-${esc(status)}" data-field="status">${esc(term('status', status))}</span>`)}
        ${field('priority', esc(term('priority', i.priority)))}
        ${field('category', esc(term('category', i.category)))}
        ${field('incidentType', esc(term('itype', i.type)))}
        ${field('department', `<span data-field="department">${esc(i.department ? term('dept', i.department) : t('unassigned'))}</span>`)}
        ${field('sla', i.sla ? `<span class="sla sla-${esc(i.sla)}">${esc(term('sla', i.sla))}</span>${i.dueAt ? ' · ' + esc(t('due')) + ' ' + esc(time(i.dueAt)) : ''}` : '')}
        ${field('district', i.district ? esc(local(i.district)) : '')}
        ${field('source', esc(term('source', i.source)))}
        ${field('reports', i.reportCount ? esc(String(i.reportCount)) : '')}
      </table>
      <form class="inc-actions" aria-labelledby="incident-actions-title" onsubmit="return false">
        <h4 id="incident-actions-title">${esc(t('actions'))}</h4>
        <label for="incident-note-text">${esc(t('incidentNote'))}</label>
        <input id="incident-note-text" type="text" value="${esc(keepNote)}" autocomplete="off">
        ${can.dispatch ? `<div class="row">
          <label for="incident-dept">${esc(t('department'))}</label>
          <select id="incident-dept">${depts.map(d => `<option value="${esc(d)}" ${d === dept ? 'selected' : ''}>${esc(term('dept', d))}</option>`).join('')}</select>
          <button type="button" data-act="dispatch">${esc(t('dispatch'))}</button></div>` : ''}
        <div class="row">
          ${can.resolve ? `<button type="button" data-act="resolve">${esc(t('resolve'))}</button>` : ''}
          ${can.close ? `<button type="button" data-act="close">${esc(t('closeIncident'))}</button>` : ''}
          ${can.reopen ? `<button type="button" data-act="reopen">${esc(t('reopen'))}</button>` : ''}
        </div>
        <p id="incident-msg" class="note" role="status" aria-live="polite">${esc(this.message || '')}</p>
      </form>
      <h4>${esc(t('timeline'))}</h4>
      <ol class="timeline" id="incident-timeline">${timeline.map(e => `
        <li data-action="${esc(e.action)}">
          <span class="when">${esc(e.at ? time(e.at) : '')}</span>
          <span class="what">${esc(term('action', e.action))}${e.from || e.to ? ` <span class="ft">${esc(e.from ? term('status', e.from) : '')} &rarr; ${esc(e.to ? term('status', e.to) : '')}</span>` : ''}</span>
          <span class="who">${esc(e.actor || '')}</span>
          ${e.note ? `<span class="tnote">${esc(e.note)}</span>` : ''}
        </li>`).join('')}</ol>`;
    if (focusedAct) this.detailEl.querySelector(`[data-act="${focusedAct}"]`)?.focus();
  }

  /** The status changes of contract B; a dispatch from 'new' triages first (new -> triaged -> dispatched). */
  async action(act) {
    const i = this.detail;
    if (act === 'back') { this.back(); return; }
    if (!i) return;
    if (act === 'fly') { this.handlers.fly?.(i); return; }
    if (act === 'entity') { this.handlers.entity?.(i.entity); return; }
    const note = this.detailEl.querySelector('#incident-note-text')?.value.trim() || undefined;
    const base = '/api/v1/incidents/' + encodeURIComponent(i.id);
    const actor = 'operator';
    try {
      let updated;
      if (act === 'dispatch') {
        const department = this.detailEl.querySelector('#incident-dept').value;
        if (i.status === 'new') await postJson(base + '/status', { status: 'triaged', actor });
        updated = await postJson(base + '/status', { status: 'dispatched', department, actor, note });
      } else if (act === 'resolve') {
        updated = await postJson(base + '/status', { status: 'resolved', actor, note });
      } else if (act === 'close') {
        updated = await postJson(base + '/status', { status: 'closed', actor, note });
      } else if (act === 'reopen') {
        updated = await postJson(base + '/reopen', { actor, note });
      } else {
        return;
      }
      const input = this.detailEl.querySelector('#incident-note-text');
      if (input) input.value = '';
      this.message = t('incidentDone', { action: t(act === 'close' ? 'closeIncident' : act) });
      if (updated && updated.id) this.upsert(updated);
      await this.open(i.id, false);
      this.message = null;
    } catch (e) {
      this.message = t('incidentFailed') + ': ' + e.message;
      this.renderDetail();
    }
  }

  rerender() {
    this.render();
  }
}
