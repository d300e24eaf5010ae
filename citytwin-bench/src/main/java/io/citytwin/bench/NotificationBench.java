package io.citytwin.bench;

import com.sun.net.httpserver.HttpServer;
import io.citytwin.event.EventLog;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.notify.HttpTransport;
import io.citytwin.notify.NgsiLdNotificationRenderer;
import io.citytwin.subscription.Endpoint;
import io.citytwin.subscription.EntitySelector;
import io.citytwin.subscription.Subscription;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.SubscriptionService;
import io.citytwin.subscription.sqlite.SqliteNotificationOutbox;
import io.citytwin.subscription.sqlite.SqliteSubscriptionStore;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.geo.GeoJson;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Notification load benchmark: the real pipeline in one JVM (twin with an in-memory repository, in-process event log,
 * SubscriptionService with the SQLite outbox in a temp dir, NGSI-LD rendering, java.net.http POSTs) delivering to a
 * local HTTP receiver (com.sun.net.httpserver on virtual threads).
 *
 * <ul>
 *   <li>throughput: {@code endpoints} subscriptions on distinct receiver paths all match every update of one entity
 *       type; {@code updates} updates as fast as possible; notifications delivered per second from the first update
 *       to the last notification received;
 *   <li>latency: one subscription, updates paced at {@code rate}/s for {@code seconds}; each update carries its
 *       System.nanoTime() and the receiver computes update-to-notification latency; p50/p99/max.
 * </ul>
 *
 * <p>Run: {@code java -cp citytwin-bench/target/citytwin-bench.jar io.citytwin.bench.NotificationBench [endpoints
 * updates rate seconds]}, defaults 20 5000 1000 10.
 */
public final class NotificationBench {
    private static final String NS = "https://uri.etsi.org/ngsi-ld/default-context/";
    private static final Pattern SENT = Pattern.compile("\"sent\":\\{\"type\":\"Property\",\"value\":(\\d+)");

    private NotificationBench() {}

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int updates = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        AtomicLong received = new AtomicLong();
        long[] latencies = new long[rate * seconds + 1];
        AtomicLong latencyCount = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            long now = System.nanoTime();
            if (ex.getRequestURI().getPath().equals("/latency")) {
                Matcher m = SENT.matcher(new String(body, StandardCharsets.UTF_8));
                if (m.find() && !m.group(1).equals("0")) {
                    long i = latencyCount.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[(int) i] = now - Long.parseLong(m.group(1));
                    }
                }
            }
            received.incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Path dir = Files.createTempDirectory("notification-bench");
        InstantSource clock = InstantSource.system();
        InMemoryTwinRepository repository = new InMemoryTwinRepository(clock);
        EventLog log = repository.events();
        Twin twin = new Twin(repository, clock);
        SqliteSubscriptionStore store = SqliteSubscriptionStore.open(dir, clock);
        SqliteNotificationOutbox outbox = SqliteNotificationOutbox.open(dir, clock);
        HttpTransport http = new HttpTransport();
        SubscriptionService service = SubscriptionService.builder()
                .store(store)
                .outbox(outbox)
                .renderer(new NgsiLdNotificationRenderer(
                        new EntityCodec(GeoJson::parse),
                        ContextResolver.builder().build()))
                .transports(List.of(http))
                .clock(clock)
                .build()
                .start(log);
        TenantId t = TenantId.DEFAULT;
        try {
            for (int i = 0; i < endpoints; i++) {
                service.create(Subscription.builder(
                                SubscriptionId.of("urn:bench:t" + i), t, Endpoint.of(base + "/t" + i), clock.instant())
                        .entities(List.of(new EntitySelector(null, null, NS + "Meter")))
                        .build());
            }
            service.create(Subscription.builder(
                            SubscriptionId.of("urn:bench:latency"), t, Endpoint.of(base + "/latency"), clock.instant())
                    .entities(List.of(new EntitySelector(null, null, NS + "Probe")))
                    .build());
            EntityId meter = EntityId.of("urn:ngsi-ld:Meter:1");
            EntityId probe = EntityId.of("urn:ngsi-ld:Probe:1");
            twin.create(t, Entity.of(meter, NS + "Meter").withAttribute(NS + "value", List.of(Attribute.property(0L))));
            twin.create(t, Entity.of(probe, NS + "Probe").withAttribute(NS + "sent", List.of(Attribute.property(0L))));
            // warm-up
            runUpdates(twin, t, meter, 500);
            awaitCount(received, 501L * endpoints + 1);

            long before = received.get();
            long matchedBefore = service.matchedCount();
            long t0 = System.nanoTime();
            runUpdates(twin, t, meter, updates);
            long expected = before + (long) updates * endpoints;
            received.set(received.get()); // the probe's creation notification was counted in the warm-up
            long matchTarget = matchedBefore + (long) updates * endpoints;
            while (service.matchedCount() < matchTarget) {
                Thread.sleep(1);
            }
            double matchSecs = (System.nanoTime() - t0) / 1e9;
            awaitCount(received, expected);
            System.out.printf("matched and stored in the outbox after %.2f s%n", matchSecs);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "throughput: %d notifications (%d updates x %d endpoints) in %.2f s = %.0f notifications/s%n",
                    (long) updates * endpoints, updates, endpoints, secs, updates * endpoints / secs);

            long periodNanos = 1_000_000_000L / rate;
            long start = System.nanoTime();
            int n = rate * seconds;
            for (int i = 0; i < n; i++) {
                long due = start + i * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                twin.updateAttributes(t, probe, Map.of(NS + "sent", List.of(Attribute.property(System.nanoTime()))));
            }
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (latencyCount.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            int count = (int) Math.min(latencyCount.get(), latencies.length);
            long[] l = Arrays.copyOf(latencies, count);
            Arrays.sort(l);
            System.out.printf(
                    "latency at %d updates/s for %d s: %d notifications, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    rate, seconds, count, l[count / 2] / 1e6, l[(int) (count * 0.99)] / 1e6, l[count - 1] / 1e6);
        } finally {
            service.close();
            http.close();
            outbox.close();
            store.close();
            repository.close();
            server.stop(0);
        }
    }

    private static void runUpdates(Twin twin, TenantId t, EntityId id, int n) {
        for (int i = 0; i < n; i++) {
            twin.updateAttributes(t, id, Map.of(NS + "value", List.of(Attribute.property((long) i))));
        }
    }

    private static void awaitCount(AtomicLong counter, long target) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + counter.get() + " of " + target + " notifications arrived");
            }
            Thread.sleep(5);
        }
    }
}
