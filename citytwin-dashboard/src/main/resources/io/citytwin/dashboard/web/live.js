// The live feed: one EventSource per page; the view (bbox, zoom, layers) goes to the server so it only sends what the
// page shows, coalesced and throttled. On an error or 'resync' the page reconnects and reloads its view.
export class Live {
  constructor(handlers) {
    this.handlers = handlers;
    this.client = null;
    this.view = null;
    this.source = null;
    this.retry = null;
    this.bytes = 0;
    this.bytesBy = {};
  }

  params(v) {
    return 'bbox=' + v.bbox + '&zoom=' + v.zoom + '&layers=' + encodeURIComponent(v.layers);
  }

  open(view) {
    this.view = view;
    this.close();
    const es = new EventSource('/api/v1/dashboard/live?' + this.params(view));
    this.source = es;
    const count = e => {
      const n = e.data.length + 1;
      this.bytes += n;
      this.bytesBy[e.type] = (this.bytesBy[e.type] || 0) + n;
    };
    es.addEventListener('hello', e => {
      count(e);
      this.client = JSON.parse(e.data).client;
      this.handlers.status?.('live');
      if (this.pendingView) {
        const v = this.pendingView;
        this.pendingView = null;
        this.setView(v);
      }
    });
    es.addEventListener('points', e => { count(e); this.handlers.points?.(JSON.parse(e.data)); });
    es.addEventListener('cells', e => { count(e); this.handlers.cells?.(JSON.parse(e.data)); });
    es.addEventListener('alarm', e => { count(e); this.handlers.alarm?.(JSON.parse(e.data)); });
    es.addEventListener('incident', e => { count(e); this.handlers.incident?.(JSON.parse(e.data)); });
    es.addEventListener('resync', e => { count(e); this.handlers.resync?.(); });
    // the server dropped broadcast events (more than it sends per flush): reload those panels over REST
    es.addEventListener('reload', e => { count(e); this.handlers.reload?.(JSON.parse(e.data).events || []); });
    es.onerror = () => {
      this.handlers.status?.('error');
      this.close();
      clearTimeout(this.retry);
      this.retry = setTimeout(() => { this.open(this.view); this.handlers.resync?.(); }, 2000);
    };
  }

  setView(view) {
    this.view = view;
    if (!this.source) {
      this.open(view);
      return;
    }
    if (!this.client) {
      this.pendingView = view;
      return;
    }
    fetch('/api/v1/dashboard/live/' + encodeURIComponent(this.client) + '/view?' + this.params(view), { method: 'POST' })
      .then(r => { if (r.status === 404) this.open(view); })
      .catch(() => {});
  }

  close() {
    if (this.source) this.source.close();
    this.source = null;
    this.client = null;
  }
}
