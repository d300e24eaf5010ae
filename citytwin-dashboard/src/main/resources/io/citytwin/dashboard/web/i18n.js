// Interface translations: JSON dictionaries under /dashboard/i18n/, English as the fallback.
let dict = {};
let fallback = {};
let current = 'en';
const listeners = [];

export function lang() {
  return current;
}

/** The text for a key, with {name} placeholders filled from params; the key itself when untranslated. */
export function t(key, params) {
  let s = dict[key] ?? fallback[key] ?? key;
  if (params) {
    for (const [k, v] of Object.entries(params)) {
      s = s.replaceAll('{' + k + '}', String(v));
    }
  }
  return s;
}

async function load(code) {
  const r = await fetch('/dashboard/i18n/' + code + '.json');
  if (!r.ok) throw new Error('no translation ' + code);
  return r.json();
}

/** Loads a language, translates the static page and tells the listeners (who re-render their parts). */
export async function setLanguage(code) {
  if (!['en', 'de', 'zh'].includes(code)) code = 'en';
  if (!fallback.title) fallback = await load('en');
  dict = code === 'en' ? fallback : await load(code);
  current = code;
  document.documentElement.lang = code === 'zh' ? 'zh-CN' : code;
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of document.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  }
  document.getElementById('map')?.setAttribute('aria-label', t('map'));
  document.getElementById('lang')?.setAttribute('aria-label', t('language'));
  document.title = t('title');
  try { localStorage.setItem('citytwin.lang', code); } catch (e) { /* private mode: not remembered */ }
  for (const f of listeners) f(code);
}

export function onLanguage(f) {
  listeners.push(f);
}

export function initialLanguage() {
  let saved = null;
  try { saved = localStorage.getItem('citytwin.lang'); } catch (e) { /* ignore */ }
  const q = new URLSearchParams(location.search).get('lang');
  const nav = (navigator.language || 'en').slice(0, 2);
  return q || saved || (['de', 'zh'].includes(nav) ? nav : 'en');
}

// Intl formatters are expensive to create (a toLocaleString call builds one each time): cache them per language
const formats = new Map();
function format(kind, digits) {
  const key = current + '|' + kind + '|' + digits;
  let f = formats.get(key);
  if (!f) {
    const locale = current === 'zh' ? 'zh-CN' : current;
    f = kind === 'num'
      ? new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 })
      : new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium', hour12: false });
    formats.set(key, f);
  }
  return f;
}

/** A number formatted for the current language. */
export function num(v, digits = 0) {
  return format('num', digits).format(Number(v));
}

export function time(iso) {
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : format('time', 0).format(d);
}
