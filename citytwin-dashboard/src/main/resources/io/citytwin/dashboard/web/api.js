// Small fetch helpers: JSON in, JSON out; an Error with .status for HTTP errors (404 = feature absent).
export class HttpError extends Error {
  constructor(status, detail) {
    super(detail || ('HTTP ' + status));
    this.status = status;
  }
}

async function handle(r) {
  if (!r.ok) {
    let detail = '';
    try { detail = (await r.json()).detail || ''; } catch (e) { /* not JSON */ }
    throw new HttpError(r.status, detail);
  }
  if (r.status === 204) return null;
  const text = await r.text();
  return text ? JSON.parse(text) : null;
}

export async function getJson(url) {
  return handle(await fetch(url, { headers: { Accept: 'application/json' } }));
}

export async function postJson(url, body) {
  return handle(await fetch(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

/** The local name of an expanded IRI (what follows the last / or #). */
export function local(name) {
  const i = Math.max(name.lastIndexOf('/'), name.lastIndexOf('#'));
  return i < 0 ? name : name.slice(i + 1);
}

export function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
