package io.citytwin.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.event.ChangeEvent;
import io.citytwin.event.EventLog;
import io.citytwin.twin.TenantId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live feed: Server-Sent Events (WHATWG HTML, section 9.2 "Server-sent events") to every open page,
 * fed by the change event log.
 *
 * <p>DESIGN. The feed is a consumer of the {@link EventLog} that starts at the log's end and never commits: it is
 * live only, a restart starts fresh, and it holds back no journal cleanup. Each change updates the {@link MapIndex};
 * a change of place or state is offered to every client whose {@link View} shows it (before or after the change).
 * A client in point mode (zoom at or above the point zoom) collects the changed markers in a map keyed by entity
 * id, so any number of changes of one entity between two flushes coalesce into one; a client in cell mode only
 * notes that its view is dirty. A single flusher thread sends at most one {@code points} frame per client every
 * {@code flush} and one {@code cells} frame (the cells of the view that differ from what the client last got) every
 * {@code cellFlush}, so the traffic to a client is bounded by its view, not by the city's rate of change.
 *
 * <p>Frames go into a bounded queue per client, written by the client's own request thread (a virtual thread). When
 * the queue is full the client is too slow: its queue is emptied and it gets a {@code resync} event, upon which the
 * page reloads the view. Nothing ever waits for a client: not the event log, not {@link #broadcast}, not the other
 * clients.
 *
 * <p>Events: {@code hello} (client id and limits), {@code points} ({@code {"upsert": [...], "remove": [ids]}}),
 * {@code cells} ({@code {"resolution": r, "reset": bool, "upsert": [...], "remove": [h3]}}), {@code resync}, and
 * whatever {@link #broadcast} sends (e.g. {@code alarm}, {@code incident}), coalesced per id and capped per flush
 * (beyond the cap: {@code reload} with {@code {"events": [names]}}).
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    /** The event-log consumer name (never committed). */
    public static final String CONSUMER = "dashboard-live";

    private static final String WAKE = "";
    private static final java.util.regex.Pattern EVENT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final EventLog log;
    private final MapIndex index;
    private final Runnable reload;
    private final DashboardOptions options;
    private final InstantSource clock;
    private final ObjectMapper json;
    private final ConcurrentHashMap<String, Client> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong eventSeq = new AtomicLong();
    private volatile EventLog.@Nullable Subscription subscription;
    private volatile boolean closed;

    /**
     * @param reload rebuilds the index from the twin, called when the feed missed events (log overrun)
     */
    LiveFeed(
            EventLog log,
            MapIndex index,
            Runnable reload,
            DashboardOptions options,
            InstantSource clock,
            ObjectMapper json) {
        this.log = log;
        this.index = index;
        this.reload = reload;
        this.options = options;
        this.clock = clock;
        this.json = json;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dashboard-flusher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscribes to the log from {@code fromOffset} and starts the flusher. */
    void start(long fromOffset) {
        subscription = log.subscribe(CONSUMER, fromOffset, new EventLog.Consumer() {
            @Override
            public void accept(long firstOffset, List<ChangeEvent> events) {
                onEvents(events);
            }

            @Override
            public void overrun(long fromOffset, long toOffset) {
                LOG.warn("Dashboard live feed missed events {}..{}: reloading the map", fromOffset, toOffset);
                reload.run();
                for (Client c : clients.values()) {
                    c.resync();
                }
            }
        });
        long tick = Math.max(
                20, Math.min(options.flush().toMillis(), options.cellFlush().toMillis()) / 2);
        flusher.scheduleWithFixedDelay(this::flushAll, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends an application event to every connected dashboard (contract C): thread-safe, never blocks.
     *
     * <p>Events are coalesced per client: when the data is a JSON object with an {@code id}, a newer event of the same
     * name and id replaces an older one not yet sent (the page only needs the latest state of an alarm or incident).
     * The pending events go out together at most once per {@code flush}; more than {@code maxEvents} pending at once
     * and the client gets a single {@code reload} event ({@code {"events": ["alarm"]}}) instead, upon which the page
     * reloads that panel over REST. So a storm of alarms (the large simulated city raises hundreds per second) costs
     * a page a bounded number of events per second rather than its main thread.
     *
     * @param eventName the SSE event name, e.g. {@code alarm}; letters, digits, {@code -}, {@code _} and {@code .}
     * @param jsonData the data, usually one JSON document (line breaks are sent as several data lines)
     */
    public void broadcast(String eventName, String jsonData) {
        if (!EVENT_NAME.matcher(eventName).matches()) {
            throw new IllegalArgumentException("Bad SSE event name '" + eventName + "'");
        }
        if (clients.isEmpty()) {
            return;
        }
        String id = idOf(jsonData);
        String key = id == null ? eventName + "#" + eventSeq.incrementAndGet() : eventName + "\u0000" + id;
        String frame = frame(eventName, jsonData);
        for (Client c : clients.values()) {
            c.offerEvent(key, eventName, frame);
        }
    }

    /** The {@code id} of a JSON object, or null (not JSON, not an object, no textual id). */
    private @Nullable String idOf(String jsonData) {
        try {
            JsonNode n = json.readTree(jsonData);
            JsonNode id = n == null ? null : n.get("id");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Statistics of the open streams (for the benchmark and operations). */
    public record ClientStats(String id, long bytes, long frames, long resyncs, boolean pointMode) {}

    public List<ClientStats> stats() {
        List<ClientStats> out = new ArrayList<>();
        for (Client c : clients.values()) {
            out.add(new ClientStats(
                    c.id, c.bytes.get(), c.frames.get(), c.resyncs.get(), c.view.zoom() >= options.pointZoom()));
        }
        return out;
    }

    /** Change events processed since the start. */
    public long changes() {
        return changes.get();
    }

    /** Registers a client with its first view; the caller then {@link #serve serves} it. */
    Client open(TenantId tenant, View view) {
        Client c = new Client(UUID.randomUUID().toString(), tenant, view);
        clients.put(c.id, c);
        return c;
    }

    /** Changes the view of a client; false when there is no such client. */
    boolean updateView(String clientId, View view) {
        Client c = clients.get(clientId);
        if (c == null) {
            return false;
        }
        c.setView(view);
        return true;
    }

    /**
     * Writes the client's frames to {@code out} until the client goes away or the feed closes; runs on the request's
     * (virtual) thread.
     */
    void serve(Client c, OutputStream out) {
        try {
            Map<String, Object> hello = new LinkedHashMap<>();
            hello.put("client", c.id);
            hello.put("pointZoom", options.pointZoom());
            hello.put("flushMillis", options.flush().toMillis());
            hello.put("maxEvents", options.maxEvents());
            write(c, out, frame("hello", json.writeValueAsString(hello)));
            while (!closed && !c.closed) {
                String f = c.queue.poll(options.keepAlive().toMillis(), TimeUnit.MILLISECONDS);
                if (c.resyncPending.getAndSet(false)) {
                    write(c, out, frame("resync", "{}"));
                }
                if (f == null) {
                    write(c, out, ": keep-alive\n\n");
                } else if (!f.isEmpty()) {
                    write(c, out, f);
                }
            }
        } catch (IOException e) {
            LOG.debug("Dashboard client {} went away: {}", c.id, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            c.closed = true;
            clients.remove(c.id);
        }
    }

    private static void write(Client c, OutputStream out, String frame) throws IOException {
        byte[] b = frame.getBytes(StandardCharsets.UTF_8);
        out.write(b);
        out.flush();
        c.bytes.addAndGet(b.length);
        c.frames.incrementAndGet();
    }

    static String frame(String event, String data) {
        StringBuilder sb = new StringBuilder(data.length() + event.length() + 16);
        sb.append("event: ").append(event).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString();
    }

    private void onEvents(List<ChangeEvent> events) {
        for (ChangeEvent e : events) {
            changes.incrementAndGet();
            Optional<MapIndex.Change> change = index.apply(e);
            if (change.isEmpty() || clients.isEmpty()) {
                continue;
            }
            for (Client c : clients.values()) {
                c.offer(e.tenant(), change.get());
            }
        }
    }

    private void flushAll() {
        try {
            long now = clock.millis();
            for (Client c : clients.values()) {
                c.flush(now);
            }
        } catch (RuntimeException e) {
            LOG.error("Dashboard flush failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        EventLog.Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        flusher.shutdownNow();
        for (Client c : clients.values()) {
            c.closed = true;
            c.queue.offer(WAKE);
        }
    }

    /** One open page. */
    final class Client {
        final String id;
        final TenantId tenant;
        volatile View view;
        volatile boolean closed;
        final ArrayBlockingQueue<String> queue;
        final AtomicBoolean resyncPending = new AtomicBoolean();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong frames = new AtomicLong();
        final AtomicLong resyncs = new AtomicLong();
        /** Guarded by this: markers changed since the last flush (null value: gone from the view). */
        private final Map<String, @Nullable Marker> pending = new LinkedHashMap<>();

        /** Guarded by this: broadcast frames not yet sent, the latest per key (event name and id), oldest first. */
        private final LinkedHashMap<String, String> events = new LinkedHashMap<>();
        /** Guarded by this: event names whose pending events overflowed {@code maxEvents}: to be reloaded instead. */
        private final Set<String> reloadEvents = new TreeSet<>();

        private boolean cellsDirty;
        private long nextEvents;
        private long nextPoints;
        private long nextCells;
        /** Guarded by this: bumped by every view change. */
        private long viewVersion;
        /** The flusher's own state (flusher thread only): the view version and the cells the client has. */
        private long flushedVersion;

        private Map<String, String> sentCells = new HashMap<>();
        private int sentResolution = -1;

        Client(String id, TenantId tenant, View view) {
            this.id = id;
            this.tenant = tenant;
            this.view = view;
            this.queue = new ArrayBlockingQueue<>(options.queueFrames());
        }

        synchronized void setView(View v) {
            view = v;
            pending.clear();
            cellsDirty = false;
            viewVersion++;
        }

        /** A broadcast event: coalesced with a pending one of the same key, or dropped for a pending reload. */
        synchronized void offerEvent(String key, String eventName, String frame) {
            if (closed || reloadEvents.contains(eventName)) {
                return;
            }
            events.remove(key); // re-inserted at the end: the order of the latest changes is kept
            events.put(key, frame);
            if (events.size() > options.maxEvents()) {
                for (String k : events.keySet()) {
                    int sep = k.indexOf('\u0000');
                    reloadEvents.add(sep >= 0 ? k.substring(0, sep) : k.substring(0, k.lastIndexOf('#')));
                }
                events.clear();
            }
        }

        synchronized void offer(TenantId t, MapIndex.Change change) {
            if (!t.equals(tenant) || closed) {
                return;
            }
            View v = view;
            boolean before = v.shows(change.before());
            boolean after = v.shows(change.after());
            if (!before && !after) {
                return;
            }
            if (v.zoom() >= options.pointZoom()) {
                Marker m = change.after() != null ? change.after() : change.before();
                pending.put(m.id(), after ? change.after() : null);
                if (pending.size() > options.maxPoints()) {
                    pending.clear(); // more changes in view than one frame may carry: reload instead
                    resync();
                }
            } else {
                cellsDirty = true;
            }
        }

        /**
         * Sends what is due. Runs on the flusher thread only; holds the client's lock just to take the pending changes
         * (never while aggregating or serialising), so the event-log consumer is not held up by a flush.
         */
        void flush(long now) {
            View v;
            Map<String, @Nullable Marker> points = null;
            boolean cells = false;
            String eventFrames = null;
            synchronized (this) {
                if (closed) {
                    return;
                }
                if ((!events.isEmpty() || !reloadEvents.isEmpty()) && now >= nextEvents) {
                    nextEvents = now + options.flush().toMillis();
                    StringBuilder sb = new StringBuilder();
                    if (!reloadEvents.isEmpty()) {
                        sb.append(frame("reload", "{\"events\":[\"" + String.join("\",\"", reloadEvents) + "\"]}"));
                        reloadEvents.clear();
                    }
                    for (String f : events.values()) {
                        sb.append(f);
                    }
                    events.clear();
                    eventFrames = sb.toString();
                }
                v = view;
                if (viewVersion != flushedVersion) {
                    flushedVersion = viewVersion; // a new view: the client reloaded it, what it had is gone
                    sentCells = new HashMap<>();
                    sentResolution = -1;
                }
                if (v.zoom() >= options.pointZoom()) {
                    if (!pending.isEmpty() && now >= nextPoints) {
                        nextPoints = now + options.flush().toMillis();
                        points = new LinkedHashMap<>(pending);
                        pending.clear();
                    }
                } else if (cellsDirty && now >= nextCells) {
                    nextCells = now + options.cellFlush().toMillis();
                    cellsDirty = false;
                    cells = true;
                }
            }
            if (eventFrames != null) {
                enqueue(eventFrames);
            }
            try {
                if (points != null) {
                    enqueue(frame("points", json.writeValueAsString(pointsBody(points))));
                } else if (cells) {
                    String body = cellsBody(v);
                    if (body != null) {
                        enqueue(frame("cells", body));
                    }
                }
            } catch (JsonProcessingException e) {
                LOG.error("Cannot render a dashboard frame", e);
            }
        }

        private Map<String, Object> pointsBody(Map<String, @Nullable Marker> points) {
            List<Map<String, Object>> upsert = new ArrayList<>();
            List<String> remove = new ArrayList<>();
            for (Map.Entry<String, @Nullable Marker> e : points.entrySet()) {
                if (e.getValue() == null) {
                    remove.add(e.getKey());
                } else {
                    upsert.add(DashboardRoutes.point(e.getValue()));
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("upsert", upsert);
            body.put("remove", remove);
            return body;
        }

        /** The cells of the view that differ from what the client has, or null when none do. */
        private @Nullable String cellsBody(View v) throws JsonProcessingException {
            MapIndex.Cells cells =
                    index.cells(tenant, v.box(), MapIndex.resolutionFor(v.zoom()), v.layers(), options.maxCells());
            boolean reset = cells.resolution() != sentResolution;
            Map<String, String> now = HashMap.newHashMap(cells.cells().size());
            List<Object> upsert = new ArrayList<>();
            for (MapIndex.Cell c : cells.cells()) {
                String sig = c.count() + "/" + c.worst() + "/" + c.state() + "/" + c.layers();
                now.put(c.h3(), sig);
                String sent = reset ? null : sentCells.get(c.h3());
                if (sent == null) {
                    upsert.add(c); // new to the page: with its boundary
                } else if (!sent.equals(sig)) {
                    upsert.add(changedCell(c)); // the page has the boundary: only what changed
                }
            }
            List<String> remove = new ArrayList<>();
            if (!reset) {
                for (String h : sentCells.keySet()) {
                    if (!now.containsKey(h)) {
                        remove.add(h);
                    }
                }
            }
            sentCells = now;
            sentResolution = cells.resolution();
            if (upsert.isEmpty() && remove.isEmpty() && !reset) {
                return null;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("resolution", cells.resolution());
            body.put("reset", reset);
            body.put("upsert", upsert);
            body.put("remove", remove);
            return json.writeValueAsString(body);
        }

        /** A cell the page already has, without its boundary (most of a cell's bytes). */
        private static Map<String, Object> changedCell(MapIndex.Cell c) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("h3", c.h3());
            m.put("lat", c.lat());
            m.put("lon", c.lon());
            m.put("count", c.count());
            m.put("worst", c.worst());
            m.put("state", c.state());
            m.put("layers", c.layers());
            return m;
        }

        /** Queues a frame without waiting; a full queue means a slow client: drop its frames, tell it to resync. */
        void enqueue(String frame) {
            if (closed) {
                return;
            }
            if (!queue.offer(frame)) {
                resync();
            }
        }

        void resync() {
            queue.clear();
            resyncs.incrementAndGet();
            resyncPending.set(true);
            queue.offer(WAKE);
        }
    }
}
