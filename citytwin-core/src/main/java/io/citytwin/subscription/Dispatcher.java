package io.citytwin.subscription;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Delivery of outbox notifications (at least once, in order per endpoint).
 *
 * One FIFO queue per endpoint URI. A queue with work has exactly one worker (a virtual thread) that sends its head,
 * waits for the endpoint's answer, and only then moves on: at most one notification per endpoint is in flight, so
 * an endpoint receives its notifications in outbox order (which is event log order). A global semaphore bounds the
 * sends in flight across endpoints, so a burst over many endpoints cannot exhaust sockets or memory.
 *
 * A failed send is retried, the same notification again, after an exponential backoff with "equal jitter"
 * (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015): wait = d/2 + random(0, d/2) with
 * d = min(maxBackoff, baseBackoff * 2^attempt). Retries never give up: a notification leaves the outbox only when
 * its endpoint accepted it or its subscription was deleted. A dead endpoint therefore only holds its own queue; the
 * event log consumer and every other endpoint go on (the worker sleeps outside the semaphore).
 *
 * The in-memory queues mirror the outbox: at start every stored notification is loaded in sequence order before new
 * ones are appended, so order also holds across a restart.
 */
/** Delivers notifications from the outbox; see the block comment above. Thread-safe. */
public final class Dispatcher implements AutoCloseable {
    private final NotificationOutbox outbox;
    private final List<Transport> transports;
    private final DeliveryListener listener;
    private final InstantSource clock;
    private final Options options;
    private final Semaphore inFlight;
    private final Map<String, EndpointQueue> queues = new ConcurrentHashMap<>();
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean closed;

    /**
     * Tuning of the dispatcher.
     *
     * @param maxInFlight sends in flight at once across all endpoints
     * @param baseBackoff the first retry delay (before jitter)
     * @param maxBackoff the largest retry delay (before jitter)
     */
    public record Options(int maxInFlight, Duration baseBackoff, Duration maxBackoff) {
        public static final Options DEFAULTS = new Options(256, Duration.ofMillis(200), Duration.ofSeconds(30));

        public Options {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1");
            }
            Objects.requireNonNull(baseBackoff);
            Objects.requireNonNull(maxBackoff);
        }
    }

    public Dispatcher(
            NotificationOutbox outbox,
            List<Transport> transports,
            DeliveryListener listener,
            InstantSource clock,
            Options options) {
        this.outbox = Objects.requireNonNull(outbox);
        this.transports = List.copyOf(transports);
        this.listener = Objects.requireNonNull(listener);
        this.clock = Objects.requireNonNull(clock);
        this.options = Objects.requireNonNull(options);
        this.inFlight = new Semaphore(options.maxInFlight());
    }

    /** Loads every notification the outbox holds (after a restart) into the queues, in sequence order. */
    public void recover() {
        long after = 0;
        while (true) {
            List<NotificationOutbox.Pending> page = outbox.read(after, 10_000);
            if (page.isEmpty()) {
                return;
            }
            enqueue(page);
            after = page.get(page.size() - 1).seq();
        }
    }

    /** Queues stored notifications for delivery; call in sequence order. */
    public void enqueue(List<NotificationOutbox.Pending> pending) {
        if (closed) {
            return;
        }
        for (NotificationOutbox.Pending p : pending) {
            EndpointQueue q = queues.computeIfAbsent(p.notification().endpoint(), EndpointQueue::new);
            q.add(p);
        }
    }

    /** Drops every queued notification of a deleted subscription (the outbox rows are removed by the caller). */
    public void drop(SubscriptionKey key) {
        for (EndpointQueue q : queues.values()) {
            q.drop(key);
        }
    }

    /** Notifications queued in memory and not yet delivered. */
    public long queued() {
        return queued.get();
    }

    @Override
    public void close() {
        closed = true;
        for (EndpointQueue q : queues.values()) {
            q.stop();
        }
    }

    private Transport transport(String endpoint) {
        int colon = endpoint.indexOf(':');
        String scheme = colon < 0 ? "" : endpoint.substring(0, colon).toLowerCase(Locale.ROOT);
        for (Transport t : transports) {
            if (t.supports(scheme)) {
                return t;
            }
        }
        return null;
    }

    /** Backoff before retry number {@code attempt} (0-based), with equal jitter. */
    long backoffMillis(int attempt) {
        long base = Math.max(1, options.baseBackoff().toMillis());
        long cap = Math.max(base, options.maxBackoff().toMillis());
        long d = attempt >= 30 ? cap : Math.min(cap, base << attempt);
        return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
    }

    private final class EndpointQueue {
        private final String endpoint;
        private final ArrayDeque<NotificationOutbox.Pending> items = new ArrayDeque<>();
        private boolean running; // guarded by this
        private Thread worker; // guarded by this

        EndpointQueue(String endpoint) {
            this.endpoint = endpoint;
        }

        synchronized void add(NotificationOutbox.Pending p) {
            items.add(p);
            queued.incrementAndGet();
            if (!running) {
                running = true;
                worker = Thread.ofVirtual().name("notify-" + endpoint).start(this::run);
            }
        }

        synchronized void drop(SubscriptionKey key) {
            int before = items.size();
            items.removeIf(p -> p.notification().key().equals(key));
            queued.addAndGet(items.size() - before);
        }

        synchronized void stop() {
            if (worker != null) {
                worker.interrupt();
            }
        }

        private synchronized NotificationOutbox.Pending head() {
            NotificationOutbox.Pending p = items.peek();
            if (p == null) {
                running = false;
                worker = null;
            }
            return p;
        }

        private synchronized void delivered(NotificationOutbox.Pending p) {
            // drop() may have removed it meanwhile
            if (items.peek() == p) {
                items.poll();
                queued.decrementAndGet();
            }
        }

        void run() {
            int attempt = 0;
            while (!closed) {
                NotificationOutbox.Pending p = head();
                if (p == null) {
                    return;
                }
                String error = send(p.notification());
                if (closed) {
                    return;
                }
                listener.attempted(p.notification(), error.isEmpty(), clock.instant(), error);
                if (error.isEmpty()) {
                    outbox.remove(List.of(p.seq()));
                    delivered(p);
                    attempt = 0;
                } else {
                    try {
                        Thread.sleep(backoffMillis(attempt));
                    } catch (InterruptedException e) {
                        return;
                    }
                    attempt = Math.min(attempt + 1, 30);
                }
            }
        }

        private String send(Notification n) {
            Transport t = transport(endpoint);
            if (t == null) {
                return "no transport for " + endpoint;
            }
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            try {
                t.send(n);
                return "";
            } catch (Transport.DeliveryException e) {
                String m = e.getMessage();
                return m == null || m.isEmpty() ? "delivery failed" : m;
            } catch (RuntimeException e) {
                return "transport error: " + e;
            } finally {
                inFlight.release();
            }
        }
    }

    /** Queued notifications per endpoint, for diagnostics. */
    public Map<String, Integer> queueSizes() {
        Map<String, Integer> m = new HashMap<>();
        for (EndpointQueue q : queues.values()) {
            synchronized (q) {
                m.put(q.endpoint, q.items.size());
            }
        }
        return m;
    }
}
