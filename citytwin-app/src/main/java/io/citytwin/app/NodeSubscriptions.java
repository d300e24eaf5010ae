package io.citytwin.app;

import io.citytwin.event.EventLog;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.notify.HttpTransport;
import io.citytwin.notify.MqttTransport;
import io.citytwin.notify.NgsiLdNotificationRenderer;
import io.citytwin.subscription.SubscriptionService;
import io.citytwin.subscription.Transport;
import io.citytwin.subscription.sqlite.SqliteNotificationOutbox;
import io.citytwin.subscription.sqlite.SqliteSubscriptionStore;
import io.citytwin.twin.Twin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription feature of a node, wired: SQLite store and outbox in {@code subscriptions.db}, HTTP and MQTT
 * transports, the NGSI-LD renderer, the {@link SubscriptionService} consuming the event log, and its metrics
 * ({@code citytwin.notifications.*}). {@link #close} stops delivery first, then closes the outbox and the store.
 */
final class NodeSubscriptions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSubscriptions.class);
    /** Periodic notifications carry at most this many entities. */
    private static final int PERIODIC_LIMIT = 1_000;

    private final SqliteSubscriptionStore store;
    private final SqliteNotificationOutbox outbox;
    private final List<Transport> transports;
    private final SubscriptionService service;

    private NodeSubscriptions(
            SqliteSubscriptionStore store,
            SqliteNotificationOutbox outbox,
            List<Transport> transports,
            SubscriptionService service) {
        this.store = store;
        this.outbox = outbox;
        this.transports = transports;
        this.service = service;
    }

    static NodeSubscriptions start(
            Path dir,
            InstantSource clock,
            Twin twin,
            EventLog log,
            ContextResolver contexts,
            EntityCodec codec,
            MeterRegistry metrics) {
        SqliteSubscriptionStore store = SqliteSubscriptionStore.open(dir, clock);
        SqliteNotificationOutbox outbox;
        try {
            outbox = SqliteNotificationOutbox.open(dir, clock);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        List<Transport> transports = List.of(new HttpTransport(), new MqttTransport());
        Timer latency = Timer.builder("citytwin.notifications.latency")
                .description("From the change to the endpoint's acceptance of its notification")
                .publishPercentileHistogram()
                .register(metrics);
        SubscriptionService service = SubscriptionService.builder()
                .store(store)
                .outbox(outbox)
                .renderer(new NgsiLdNotificationRenderer(codec, contexts))
                .transports(transports)
                .clock(clock)
                .periodicSource(SubscriptionService.twinSource(twin, PERIODIC_LIMIT))
                .errors((name, e) -> LOG.error("Subscriptions: {} failed", name, e))
                .listener((n, ok, at, error) -> {
                    if (ok) {
                        latency.record(Duration.between(n.createdAt(), at));
                    } else {
                        LOG.debug("Notification to {} failed: {}", n.endpoint(), error);
                    }
                })
                .build();
        FunctionCounter.builder("citytwin.notifications.sent", service, SubscriptionService::sentCount)
                .description("Notifications delivered (endpoint answered 2xx / PUBACK)")
                .register(metrics);
        FunctionCounter.builder("citytwin.notifications.failed", service, SubscriptionService::failedCount)
                .description("Failed delivery attempts (each retry counts)")
                .register(metrics);
        Gauge.builder("citytwin.notifications.pending", service, SubscriptionService::pendingCount)
                .description("Notifications in the outbox waiting for delivery")
                .register(metrics);
        Gauge.builder("citytwin.subscriptions", service, SubscriptionService::subscriptionCount)
                .description("Subscriptions, all tenants")
                .register(metrics);
        service.start(log);
        return new NodeSubscriptions(store, outbox, transports, service);
    }

    SubscriptionService service() {
        return service;
    }

    @Override
    public void close() {
        service.close();
        for (Transport t : transports) {
            t.close();
        }
        outbox.close();
        store.close();
    }
}
