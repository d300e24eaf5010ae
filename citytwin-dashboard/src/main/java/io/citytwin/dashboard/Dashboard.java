package io.citytwin.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.event.EventLog;
import io.citytwin.http.ApiServer;
import io.citytwin.twin.Twin;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IOC dashboard of a node: the {@link MapIndex} of the twin's located entities, the {@link LiveFeed} and the
 * HTTP routes (the page, the map endpoints and the SSE stream), to be added to the node's {@link ApiServer} with
 * {@code ApiServer.builder().extension(dashboard.routes())}.
 *
 * <p>Start it before the API server opens (so the routes exist) and close it before the server closes (so the open
 * streams end and the server does not wait for them).
 */
public final class Dashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

    private final MapIndex index;
    private final LiveFeed feed;
    private final DashboardRoutes routes;

    private Dashboard(MapIndex index, LiveFeed feed, DashboardRoutes routes) {
        this.index = index;
        this.feed = feed;
        this.routes = routes;
    }

    /**
     * Loads the map index from the twin and starts the live feed at the log's end as of before the load (so no change
     * is missed; changes seen twice are idempotent).
     */
    public static Dashboard start(Twin twin, EventLog log, DashboardOptions options, InstantSource clock) {
        Objects.requireNonNull(twin);
        ObjectMapper json = new ObjectMapper();
        MapIndex index = new MapIndex();
        long from = log.endOffset();
        long t0 = System.nanoTime();
        long n = index.load(twin);
        LOG.info("Dashboard map: {} located entities in {} ms", n, (System.nanoTime() - t0) / 1_000_000);
        LiveFeed feed = new LiveFeed(log, index, () -> index.load(twin), options, clock, json);
        feed.start(from);
        return new Dashboard(index, feed, new DashboardRoutes(twin, index, feed, options, json));
    }

    /** The routes to add to the API server. */
    public ApiServer.Extension routes() {
        return routes;
    }

    /** Pushes an application event (e.g. {@code alarm}) to every open dashboard; see {@link LiveFeed#broadcast}. */
    public void broadcast(String eventName, String jsonData) {
        feed.broadcast(eventName, jsonData);
    }

    public LiveFeed feed() {
        return feed;
    }

    public MapIndex index() {
        return index;
    }

    @Override
    public void close() {
        feed.close();
    }
}
