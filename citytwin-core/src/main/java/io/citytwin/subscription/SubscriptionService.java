package io.citytwin.subscription;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.EventLog;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityQuery;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TypeSelector;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/*
 * The notifier: from the change event log to the outbox, without loss.
 *
 * It is the event log consumer "subscriptions". It resumes at the log's committed offset for that name (a new node
 * starts at the end: subscriptions notify of changes made after they exist). For each batch it matches every event
 * against the index, renders one notification per (event, matching subscription), appends all of them to the durable
 * outbox in ONE write, hands them to the dispatcher, and only then commits the log offset past the batch. A crash
 * before the outbox write re-reads the batch from the log (when the log is durable); a crash after it finds the
 * notifications in the outbox. Either way each is delivered at least once.
 *
 * Throttling (clause 5.2.12): after a notification of a subscription, further matches within `throttling` are
 * dropped, as Orion-LD does. Periodic subscriptions (timeInterval) ignore changes; a timer renders the current
 * matching entities every interval.
 *
 * Delivery counters are kept as deltas in memory and added to the store about once a second (and on close), so a
 * burst of 10,000 deliveries per second costs one store write per second, not 10,000.
 */
/**
 * The subscription feature of a node: CRUD of subscriptions (store + matching index), the notifier consuming the
 * event log, periodic notifications and the delivery {@link Dispatcher}. Thread-safe. See the block comment above.
 */
public final class SubscriptionService implements AutoCloseable {
    /** The event log consumer name. */
    public static final String CONSUMER = "subscriptions";

    private final SubscriptionStore store;
    private final NotificationOutbox outbox;
    private final NotificationRenderer renderer;
    private final InstantSource clock;
    private final Function<Subscription, List<Entity>> periodicSource;
    private final BiConsumer<String, Throwable> errors;
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final Dispatcher dispatcher;
    private final ConcurrentHashMap<SubscriptionKey, Instant> lastFired = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SubscriptionKey, Instant> nextPeriodic = new ConcurrentHashMap<>();
    private final Map<SubscriptionKey, DeliveryStatus> statusDeltas = new HashMap<>(); // guarded by itself
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder matched = new LongAdder();
    private final DeliveryListener metricsListener;
    private EventLog.Subscription logSubscription;
    private Thread timer;
    private volatile boolean closed;

    private SubscriptionService(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.outbox = Objects.requireNonNull(b.outbox, "outbox");
        this.renderer = Objects.requireNonNull(b.renderer, "renderer");
        this.clock = b.clock;
        this.periodicSource = b.periodicSource;
        this.errors = b.errors;
        this.metricsListener = b.listener;
        this.dispatcher = new Dispatcher(outbox, b.transports, this::attempted, clock, b.dispatch);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the subscriptions, re-queues the outbox, starts consuming {@code log} and the timer.
     *
     * @return this
     */
    public SubscriptionService start(EventLog log) {
        for (Subscription s : store.all()) {
            index.put(s);
        }
        dispatcher.recover();
        long from = log.committed(CONSUMER).orElse(log.endOffset());
        logSubscription = log.subscribe(CONSUMER, from, this::accept);
        timer = Thread.ofVirtual().name("subscriptions-timer").start(this::tick);
        return this;
    }

    // ------------------------------------------------------------------------------------------------ CRUD

    /** Stores and activates a new subscription (AlreadyExists for a duplicate id). */
    public Subscription create(Subscription s) {
        Subscription stored = store.create(s);
        index.put(stored);
        return stored;
    }

    public Optional<Subscription> get(TenantId tenant, SubscriptionId id) {
        return index.get(new SubscriptionKey(tenant, id)).or(() -> store.get(tenant, id));
    }

    public List<Subscription> list(TenantId tenant, int offset, int limit) {
        return store.list(tenant, offset, limit);
    }

    public long count(TenantId tenant) {
        return store.count(tenant);
    }

    /** Replaces a subscription (ResourceNotFound when unknown). */
    public Subscription update(Subscription s) {
        Subscription stored = store.update(s);
        index.put(stored);
        nextPeriodic.remove(SubscriptionKey.of(s));
        return stored;
    }

    /** Deletes a subscription and drops its pending notifications; false when unknown. */
    public boolean delete(TenantId tenant, SubscriptionId id) {
        SubscriptionKey key = new SubscriptionKey(tenant, id);
        boolean existed = store.delete(tenant, id);
        index.remove(tenant, id);
        dispatcher.drop(key);
        outbox.removeSubscription(key);
        lastFired.remove(key);
        nextPeriodic.remove(key);
        synchronized (statusDeltas) {
            statusDeltas.remove(key);
        }
        return existed;
    }

    /** The delivery counters including attempts not yet written to the store. */
    public DeliveryStatus status(TenantId tenant, SubscriptionId id) {
        DeliveryStatus stored = store.status(tenant, id);
        synchronized (statusDeltas) {
            DeliveryStatus d = statusDeltas.get(new SubscriptionKey(tenant, id));
            return d == null ? stored : stored.merge(d);
        }
    }

    // --------------------------------------------------------------------------------------------- metrics

    /** Successful deliveries since start. */
    public long sentCount() {
        return sent.sum();
    }

    /** Failed delivery attempts since start. */
    public long failedCount() {
        return failed.sum();
    }

    /** Notifications created since start. */
    public long matchedCount() {
        return matched.sum();
    }

    /** Notifications waiting for delivery. */
    public long pendingCount() {
        return dispatcher.queued();
    }

    /** Number of subscriptions. */
    public int subscriptionCount() {
        return index.size();
    }

    // ------------------------------------------------------------------------------------------- notifier

    void accept(long firstOffset, List<ChangeEvent> events) {
        Instant now = clock.instant();
        List<Notification> batch = new ArrayList<>();
        for (ChangeEvent e : events) {
            List<Subscription> subs = index.match(e, now);
            if (subs.isEmpty()) {
                continue;
            }
            List<Subscription> notify = new ArrayList<>(subs.size());
            for (int i = 0; i < subs.size(); i++) {
                Subscription s = subs.get(i);
                if (!throttled(s, now)) {
                    notify.add(s);
                }
            }
            if (!notify.isEmpty()) {
                batch.addAll(renderer.renderAll(notify, List.of(notified(e)), now));
            }
        }
        if (!batch.isEmpty()) {
            List<NotificationOutbox.Pending> stored = outbox.append(batch);
            matched.add(stored.size());
            dispatcher.enqueue(stored);
        }
        logSubscription.commit(firstOffset + events.size());
    }

    private static Entity notified(ChangeEvent e) {
        if (e.kind() == ChangeKind.DELETED) {
            Entity before = Objects.requireNonNull(e.previous());
            return new Entity(before.id(), before.types(), Map.of(), before.createdAt(), before.modifiedAt());
        }
        return Objects.requireNonNull(e.current());
    }

    private boolean throttled(Subscription s, Instant now) {
        if (s.throttling().isZero()) {
            return false;
        }
        SubscriptionKey key = SubscriptionKey.of(s);
        Instant last = lastFired.get(key);
        if (last != null && now.isBefore(last.plus(s.throttling()))) {
            return true;
        }
        lastFired.put(key, now);
        return false;
    }

    /** The timer: periodic notifications and flushing of delivery counters, about every 100 ms. */
    private void tick() {
        Instant lastFlush = clock.instant();
        while (!closed) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            try {
                Instant now = clock.instant();
                periodic(now);
                if (!now.isBefore(lastFlush.plusSeconds(1))) {
                    flushStatus();
                    lastFlush = now;
                }
            } catch (RuntimeException e) {
                errors.accept(CONSUMER + "-timer", e);
            }
        }
    }

    /** Renders periodic notifications that are due at {@code now}. */
    void periodic(Instant now) {
        List<Notification> batch = new ArrayList<>();
        for (Subscription s : index.all()) {
            if (!s.periodic() || !s.live(now)) {
                continue;
            }
            SubscriptionKey key = SubscriptionKey.of(s);
            Instant due = nextPeriodic.get(key);
            if (due != null && now.isBefore(due)) {
                continue;
            }
            nextPeriodic.put(key, now.plus(s.timeInterval()));
            List<Entity> entities = periodicSource.apply(s);
            if (!entities.isEmpty()) {
                batch.add(renderer.render(s, entities, now));
            }
        }
        if (!batch.isEmpty()) {
            List<NotificationOutbox.Pending> stored = outbox.append(batch);
            matched.add(stored.size());
            dispatcher.enqueue(stored);
        }
    }

    private void attempted(Notification n, boolean success, Instant at, String error) {
        (success ? sent : failed).increment();
        synchronized (statusDeltas) {
            statusDeltas.merge(n.key(), DeliveryStatus.NONE.plus(success, at), DeliveryStatus::merge);
        }
        metricsListener.attempted(n, success, at, error);
    }

    /** Adds the accumulated delivery counters to the store. */
    void flushStatus() {
        Map<SubscriptionKey, DeliveryStatus> deltas;
        synchronized (statusDeltas) {
            if (statusDeltas.isEmpty()) {
                return;
            }
            deltas = new LinkedHashMap<>(statusDeltas);
            statusDeltas.clear();
        }
        store.addStatus(deltas);
    }

    /** Stops consuming, delivering and the timer, and writes the counters; does not close the store or outbox. */
    @Override
    public void close() {
        closed = true;
        if (logSubscription != null) {
            logSubscription.close();
        }
        if (timer != null) {
            timer.interrupt();
        }
        dispatcher.close();
        flushStatus();
    }

    /**
     * The entities a periodic subscription reports, read from the twin: per entity selector a query by type (and id
     * or idPattern) with the subscription's q and geoQ, at most {@code limit} entities in all.
     */
    public static Function<Subscription, List<Entity>> twinSource(Twin twin, int limit) {
        return s -> {
            List<Entity> out = new ArrayList<>();
            for (EntitySelector sel : s.entities()) {
                EntityQuery q = new EntityQuery(
                        sel.id() == null ? List.of() : List.of(sel.id()),
                        sel.idPattern() == null || sel.id() != null ? null : Pattern.compile(sel.idPattern()),
                        new TypeSelector.Name(sel.type()),
                        java.util.Set.of(),
                        s.q(),
                        s.geoQ(),
                        0,
                        Math.max(0, limit - out.size()),
                        false);
                out.addAll(twin.query(s.tenant(), q).entities());
                if (out.size() >= limit) {
                    break;
                }
            }
            return out;
        };
    }

    /** Builds a {@link SubscriptionService}; store, outbox and renderer are required. */
    public static final class Builder {
        private SubscriptionStore store;
        private NotificationOutbox outbox;
        private NotificationRenderer renderer;
        private List<Transport> transports = List.of();
        private InstantSource clock = InstantSource.system();
        private Function<Subscription, List<Entity>> periodicSource = s -> List.of();
        private BiConsumer<String, Throwable> errors = (name, e) -> {};
        private DeliveryListener listener = (n, ok, at, err) -> {};
        private Dispatcher.Options dispatch = Dispatcher.Options.DEFAULTS;

        private Builder() {}

        public Builder store(SubscriptionStore v) {
            store = v;
            return this;
        }

        public Builder outbox(NotificationOutbox v) {
            outbox = v;
            return this;
        }

        public Builder renderer(NotificationRenderer v) {
            renderer = v;
            return this;
        }

        public Builder transports(List<Transport> v) {
            transports = List.copyOf(v);
            return this;
        }

        public Builder clock(InstantSource v) {
            clock = Objects.requireNonNull(v);
            return this;
        }

        /** Where periodic subscriptions read their entities, e.g. {@link #twinSource}. */
        public Builder periodicSource(Function<Subscription, List<Entity>> v) {
            periodicSource = Objects.requireNonNull(v);
            return this;
        }

        /** Told about unexpected failures of the timer. */
        public Builder errors(BiConsumer<String, Throwable> v) {
            errors = Objects.requireNonNull(v);
            return this;
        }

        /** Told about every delivery attempt (metrics). */
        public Builder listener(DeliveryListener v) {
            listener = Objects.requireNonNull(v);
            return this;
        }

        public Builder dispatch(Dispatcher.Options v) {
            dispatch = Objects.requireNonNull(v);
            return this;
        }

        /** Retry delays for tests: base and cap. */
        public Builder backoff(Duration base, Duration max) {
            dispatch = new Dispatcher.Options(dispatch.maxInFlight(), base, max);
            return this;
        }

        public SubscriptionService build() {
            return new SubscriptionService(this);
        }
    }
}
