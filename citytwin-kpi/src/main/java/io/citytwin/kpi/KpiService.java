package io.citytwin.kpi;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.EventLog;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.BatchResult;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/*
 * THE KPI CONSUMER
 *
 * It is the event log consumer "kpi" (the HistoryWriter / SubscriptionService pattern): it resumes at
 * log.committed("kpi"), else at the log's end, runs on the log's own consumer thread, and never blocks the twin's
 * write path (the log never waits for consumers). For each batch of events it
 *
 *   1. skips events that changed only attributes this service writes (Terms.DERIVED): its own writes come back
 *      through the log, and reacting to them would loop;
 *   2. folds every other change of a thing it knows (air and water quality stations, detectors, flow meters,
 *      lamps, energy meters, lighting cabinets) into TenantKpis, which returns the derived attributes whose value
 *      changed (contract E);
 *   3. writes those onto the entities with Twin.batchUpdate (one batch update per tenant and batch of events, at
 *      most 1,000 entities each: a reading costs at most one extra write, a steady KPI none), and
 *   4. commits the batch's offsets.
 *
 * District KPIs (contract D) are rolled up from the same state by tick(), at most every `interval` of the injected
 * clock, written onto every District entity (always, so that the history has a point per interval for
 * sparklines) and kept as the tenant's KpiSnapshot for GET /api/v1/kpis. The same tick closes the night windows of
 * silent flow meters.
 *
 * State after a restart: the state is rebuilt in start() from the twin's current attributes, and, when a
 * HistoryStore is given, from the history: 24 h of pollutants (NowCast and the 8-/24-hour means continue), the water
 * stations' tests of the CCME window, the flow meters' last 26 h (the current night window) and the DMAs' last 8
 * nights of minimumNightFlow (the baseline), the energy meters' power since local midnight (energyToday continues).
 * Without history, a meter's energyToday continues from its stored value when that value was computed at its
 * last power reading; NowCast falls back to the hours it has (marked provisional), and the night baseline restarts.
 * The incident state machines always restart FREE. Events after the committed offset are replayed; a reading not
 * newer than one already folded in is ignored, so replays count once.
 *
 * Thread-safety: the consumer, the timer and snapshot() serialise on one lock around the state; twin writes happen
 * outside it.
 */
/**
 * The derived KPIs of the city: a named consumer ({@value #CONSUMER}) of the change event log that writes
 * per-entity derived attributes onto the sensor entities and district KPIs onto {@code District} entities, through
 * the {@link Twin}. See the block comment above and docs/kpi.md. Thread-safe.
 */
public final class KpiService implements AutoCloseable {
    /** The event log consumer name. */
    public static final String CONSUMER = "kpi";

    private static final int WRITE_CHUNK = 1_000;

    private final Twin twin;
    private final EventLog log;
    private final InstantSource clock;
    private final KpiOptions options;
    private final @Nullable HistoryStore history;
    private final BiConsumer<String, @Nullable Throwable> problems;
    private final boolean timer;
    private final Object lock = new Object();
    private final Object tickLock = new Object();
    private final Object batchLock = new Object();
    private final Map<TenantId, TenantKpis> tenants = new HashMap<>(); // guarded by lock
    private final ConcurrentHashMap<TenantId, KpiSnapshot> snapshots = new ConcurrentHashMap<>();
    private final LongAdder events = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder computations = new LongAdder();
    private final LongAdder computeNanos = new LongAdder();
    private EventLog.@Nullable Subscription subscription;
    private @Nullable Thread timerThread;
    private volatile long processed;
    private volatile boolean closed;
    private Instant nextDue = Instant.MIN; // guarded by tickLock

    private KpiService(Builder b) {
        this.twin = Objects.requireNonNull(b.twin, "twin");
        this.log = b.log == null ? twin.events() : b.log;
        this.clock = b.clock;
        this.options = b.options;
        this.history = b.history;
        this.problems = b.problems;
        this.timer = b.timer;
    }

    /** A builder; {@code twin} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The settings. */
    public KpiOptions options() {
        return options;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Rebuilds the state, then consumes from the committed offset (else the log's end) and starts the timer. */
    public KpiService start() {
        return start(log.committed(CONSUMER).orElse(log.endOffset()));
    }

    /** Rebuilds the state, then consumes from {@code fromOffset} and starts the timer (when enabled). */
    public synchronized KpiService start(long fromOffset) {
        if (subscription != null) {
            throw new IllegalStateException("already started");
        }
        rebuild();
        processed = fromOffset;
        EventLog.Subscription[] self = new EventLog.Subscription[1];
        subscription = self[0] = log.subscribe(CONSUMER, fromOffset, new EventLog.Consumer() {
            @Override
            public void accept(long firstOffset, List<ChangeEvent> batch) {
                if (!process(batch)) {
                    return; // closed: not committed, a restart processes the batch
                }
                long next = firstOffset + batch.size();
                if (self[0] != null) {
                    self[0].commit(next);
                }
                processed = next;
            }

            @Override
            public void overrun(long fromOffset, long toOffset) {
                problems.accept(
                        "KPIs fell behind the event log: events " + fromOffset + " to " + toOffset
                                + " were not seen (KPIs catch up with the next readings)",
                        null);
            }
        });
        if (timer) {
            timerThread = Thread.ofVirtual().name("kpi-timer").start(this::timerLoop);
        }
        return this;
    }

    private void timerLoop() {
        while (!closed) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            try {
                tick();
            } catch (RuntimeException e) {
                problems.accept("KPI roll-up failed", e);
            }
        }
    }

    /**
     * Waits (at most 30 s) until every event appended to the log before this call has been processed and its derived
     * attributes written (tests, shutdown).
     */
    public void flush() {
        long target = log.endOffset();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (subscription != null && processed < target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops consuming and the timer, after the batch and the roll-up in progress (if any) have written their results.
     * Does not close the twin.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (timerThread != null) {
            timerThread.interrupt();
        }
        if (subscription != null) {
            subscription.close();
        }
        synchronized (batchLock) {
            // waits for the batch in progress
        }
        synchronized (tickLock) {
            // waits for the roll-up in progress
        }
    }

    // ------------------------------------------------------------------------------------------------ metrics

    /** Events seen since start. */
    public long eventsProcessed() {
        return events.sum();
    }

    /** Entity updates of derived attributes and district KPIs written since start. */
    public long updatesWritten() {
        return written.sum();
    }

    /** Batches and roll-ups computed since start. */
    public long computations() {
        return computations.sum();
    }

    /** Time spent computing (not writing) since start, nanoseconds. */
    public long computeNanos() {
        return computeNanos.sum();
    }

    // ------------------------------------------------------------------------------------------------ consumer

    /**
     * Folds a batch of events into the state and writes the derived attributes that changed; false (and nothing done)
     * once the service is closed.
     */
    boolean process(List<ChangeEvent> batch) {
        synchronized (batchLock) {
            if (closed) {
                return false;
            }
            processBatch(batch);
            return true;
        }
    }

    private void processBatch(List<ChangeEvent> batch) {
        long t0 = System.nanoTime();
        TenantKpis.Writes out = new TenantKpis.Writes();
        synchronized (lock) {
            for (ChangeEvent e : batch) {
                events.increment();
                try {
                    fold(e, out);
                } catch (RuntimeException ex) {
                    problems.accept("KPI update of " + e.entityId() + " failed", ex);
                }
            }
        }
        computeNanos.add(System.nanoTime() - t0);
        computations.increment();
        write(out);
    }

    private void fold(ChangeEvent e, TenantKpis.Writes out) {
        Set<String> changed = e.changedAttributes();
        if (e.kind() == ChangeKind.DELETED) {
            TenantKpis k = tenants.get(e.tenant());
            if (k != null) {
                k.remove(e.entityId().value());
            }
            return;
        }
        if (changed.isEmpty() || Terms.DERIVED.containsAll(changed)) {
            return; // nothing new, or only our own attributes
        }
        Entity current = Objects.requireNonNull(e.current());
        if (TenantKpis.Kind.of(current) == TenantKpis.Kind.OTHER) {
            return;
        }
        state(e.tenant()).update(current, e.kind() == ChangeKind.UPDATED ? changed : null, e.at(), twin, out);
    }

    private TenantKpis state(TenantId tenant) {
        return tenants.computeIfAbsent(tenant, t -> new TenantKpis(t, options));
    }

    private void write(TenantKpis.Writes out) {
        for (Map.Entry<TenantId, Map<EntityId, Entity>> t : out.byTenant.entrySet()) {
            List<Entity> all = new ArrayList<>(t.getValue().values());
            for (int i = 0; i < all.size(); i += WRITE_CHUNK) {
                List<Entity> chunk = all.subList(i, Math.min(all.size(), i + WRITE_CHUNK));
                try {
                    BatchResult r = twin.batchUpdate(t.getKey(), chunk, false);
                    written.add(r.success().size());
                    // an entity deleted meanwhile is not an error of ours; a failed store write is reported
                    for (BatchResult.BatchError err : r.errors()) {
                        if (!err.error().code().equals("entity.not-found")) {
                            problems.accept("KPI write to " + err.entityId() + " failed", err.error());
                            break;
                        }
                    }
                } catch (TwinException e) {
                    problems.accept("KPI write of " + chunk.size() + " entities failed", e);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ roll-up

    /**
     * Rolls up and writes district KPIs when {@code interval} has passed on the clock since the last roll-up, and
     * closes the night windows of silent flow meters. The service's timer calls this about every 250 ms.
     */
    public void tick() {
        synchronized (tickLock) {
            Instant now = clock.instant();
            if (closed || now.isBefore(nextDue)) {
                return;
            }
            nextDue = now.plus(options.interval());
            refresh(now);
        }
    }

    /** Rolls up and writes the district KPIs of every tenant now, whatever the interval. */
    public void refresh() {
        synchronized (tickLock) {
            Instant now = clock.instant();
            nextDue = now.plus(options.interval());
            refresh(now);
        }
    }

    private void refresh(Instant now) {
        TenantKpis.Writes nights = new TenantKpis.Writes();
        Map<TenantId, List<Entity>> districtWrites = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (TenantId tenant : twin.tenants()) {
            Map<String, String> districts = districts(tenant);
            KpiSnapshot snap;
            synchronized (lock) {
                TenantKpis k = state(tenant);
                k.closeNights(now, twin, nights);
                snap = k.rollUp(now, twin, districts);
            }
            snapshots.put(tenant, snap);
            List<Entity> updates = new ArrayList<>();
            for (KpiSnapshot.District d : snap.districts()) {
                Map<String, List<Attribute>> attrs = districtAttributes(d.values(), now);
                if (!attrs.isEmpty()) {
                    Optional<Entity> e = twin.find(tenant, EntityId.of(d.id()));
                    e.ifPresent(x -> updates.add(new Entity(x.id(), x.types(), attrs, null, null)));
                }
            }
            if (!updates.isEmpty()) {
                districtWrites.put(tenant, updates);
            }
        }
        computeNanos.add(System.nanoTime() - t0);
        computations.increment();
        write(nights);
        TenantKpis.Writes w = new TenantKpis.Writes();
        for (Map.Entry<TenantId, List<Entity>> e : districtWrites.entrySet()) {
            Map<EntityId, Entity> m = new LinkedHashMap<>();
            for (Entity x : e.getValue()) {
                m.put(x.id(), x);
            }
            w.byTenant.put(e.getKey(), m);
        }
        write(w);
    }

    /** The District entities of a tenant: id to name. */
    private Map<String, String> districts(TenantId tenant) {
        Map<String, String> out = new TreeMap<>();
        for (String type : twin.types(tenant)) {
            if (!Terms.local(type).equals("District")) {
                continue;
            }
            for (Entity d : twin.entitiesOfType(tenant, type)) {
                String name = d.id().value();
                for (Map.Entry<String, List<Attribute>> a : d.attributes().entrySet()) {
                    if (Terms.local(a.getKey()).equals("name")
                            && a.getValue().get(0).value() instanceof String s) {
                        name = s;
                    }
                }
                out.put(d.id().value(), name);
            }
        }
        return out;
    }

    private static Map<String, List<Attribute>> districtAttributes(Map<String, Object> v, Instant now) {
        Map<String, List<Attribute>> a = new LinkedHashMap<>();
        if (v.get("airQualityIndex") instanceof Long aqi) {
            a.put(
                    Terms.AIR_QUALITY_INDEX,
                    List.of(Terms.property(
                            aqi, now, null, Map.of(Terms.CATEGORY, String.valueOf(v.get("airQualityCategory"))))));
        }
        put(a, Terms.WATER_QUALITY_INDEX, v.get("waterQualityIndex"), now, null);
        put(a, Terms.TRAFFIC_INDEX, v.get("trafficIndex"), now, null);
        put(a, Terms.LAMPS_FAILED, v.get("lampsFailed"), now, null);
        put(a, Terms.LAMPS_ON, v.get("lampsOn"), now, null);
        put(a, Terms.ENERGY_TODAY, v.get("energyToday"), now, "KWH");
        return a;
    }

    private static void put(
            Map<String, List<Attribute>> a, String name, @Nullable Object value, Instant now, @Nullable String unit) {
        if (value != null) {
            a.put(name, List.of(Terms.property(value, now, unit, Map.of())));
        }
    }

    /**
     * The district KPIs of {@code tenant}: those of the last roll-up, or, before the first one, computed now (and not
     * written). Throws NonexistentTenant for an unknown tenant.
     */
    public KpiSnapshot snapshot(TenantId tenant) {
        twin.types(tenant); // NonexistentTenant for an unknown tenant
        KpiSnapshot s = snapshots.get(tenant);
        if (s != null) {
            return s;
        }
        Map<String, String> districts = districts(tenant);
        synchronized (lock) {
            return state(tenant).rollUp(clock.instant(), twin, districts);
        }
    }

    // ------------------------------------------------------------------------------------------------ rebuild

    /** Rebuilds the state from the twin (and the history, when there is one); writes what differs. */
    private void rebuild() {
        TenantKpis.Writes out = new TenantKpis.Writes();
        Instant now = clock.instant();
        synchronized (lock) {
            for (TenantId tenant : twin.tenants()) {
                TenantKpis k = state(tenant);
                for (String type : twin.types(tenant)) {
                    String local = Terms.local(type);
                    boolean dma = local.equals("DistrictMeteredArea");
                    for (Entity e : twin.entitiesOfType(tenant, type)) {
                        try {
                            if (dma) {
                                restoreNights(tenant, k, e, now);
                                continue;
                            }
                            TenantKpis.Kind kind = TenantKpis.Kind.of(e);
                            if (kind == TenantKpis.Kind.OTHER) {
                                continue;
                            }
                            if (history != null) {
                                replayHistory(tenant, k, kind, e, now, out);
                            } else if (kind == TenantKpis.Kind.METER || kind == TenantKpis.Kind.CABINET) {
                                restoreEnergy(k, e);
                            }
                            k.update(e, null, e.modifiedAt() == null ? now : e.modifiedAt(), twin, out);
                        } catch (RuntimeException ex) {
                            problems.accept("KPI rebuild of " + e.id() + " failed", ex);
                        }
                    }
                }
            }
        }
        write(out);
    }

    /** Feeds an entity's recent history through the same path as live events. */
    private void replayHistory(
            TenantId tenant, TenantKpis k, TenantKpis.Kind kind, Entity e, Instant now, TenantKpis.Writes out) {
        Instant from =
                switch (kind) {
                    case AIR -> now.minus(Duration.ofHours(24));
                    case WATER -> now.minus(options.waterWindow());
                    case WATER_METER -> now.minus(Duration.ofHours(26));
                    case METER, CABINET ->
                        now.atZone(options.zone())
                                .toLocalDate()
                                .atStartOfDay(options.zone())
                                .toInstant()
                                .minus(options.maxEnergyGap());
                    default -> now;
                };
        if (!from.isBefore(now)) {
            return;
        }
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            if (!replayable(kind, Terms.local(a.getKey()))) {
                continue;
            }
            Attribute template = a.getValue().get(0);
            List<Instant> times = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            Objects.requireNonNull(history).scanValues(SeriesKey.of(tenant, e.id(), a.getKey()), from, now, (t, v) -> {
                times.add(t);
                values.add(v);
            });
            Set<String> changed = Set.of(a.getKey());
            for (int i = 0; i < times.size(); i++) {
                Attribute inst = template.withValue(values.get(i)).withObservedAt(times.get(i));
                k.update(e.withAttribute(a.getKey(), List.of(inst)), changed, times.get(i), twin, out);
            }
        }
    }

    private boolean replayable(TenantKpis.Kind kind, String local) {
        return switch (kind) {
            case AIR -> io.citytwin.kpi.air.Pollutant.ofTerm(local).isPresent();
            case WATER -> options.limits().objective(local).isPresent();
            case WATER_METER -> local.equals("flow");
            case METER, CABINET -> local.equals("activePower");
            default -> false;
        };
    }

    /** A DMA's past nights from its minimumNightFlow history (8 days). */
    private void restoreNights(TenantId tenant, TenantKpis k, Entity dma, Instant now) {
        if (history == null) {
            return;
        }
        for (String name : dma.attributes().keySet()) {
            if (!name.equals(Terms.MINIMUM_NIGHT_FLOW)) {
                continue;
            }
            history.scanValues(
                    SeriesKey.of(tenant, dma.id(), name), now.minus(Duration.ofDays(9)), now.plusSeconds(1), (t, v) -> {
                        if (v instanceof Number n) {
                            k.restoreNight(
                                    dma.id().value(), t.atZone(options.zone()).toLocalDate(), n.doubleValue());
                        }
                    });
        }
    }

    /** Without history: today's energy from the stored energyToday when it was computed at the last power reading. */
    private void restoreEnergy(TenantKpis k, Entity e) {
        Attribute energy = e.attribute(Terms.ENERGY_TODAY).orElse(null);
        Attribute power = null;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            if (Terms.local(a.getKey()).equals("activePower")) {
                power = a.getValue().get(0);
            }
        }
        if (energy == null
                || power == null
                || energy.observedAt() == null
                || !energy.observedAt().equals(power.observedAt())) {
            return;
        }
        double kw = Terms.number(power) / (Terms.unit(power).equals("WTT") ? 1000 : 1);
        double kwh = Terms.number(energy);
        if (Double.isNaN(kw) || Double.isNaN(kwh)) {
            return;
        }
        LocalDate day = energy.observedAt().atZone(options.zone()).toLocalDate();
        k.restoreEnergy(e, day, kwh, energy.observedAt(), kw);
    }

    /** Builds a {@link KpiService}. */
    public static final class Builder {
        private @Nullable Twin twin;
        private @Nullable EventLog log;
        private InstantSource clock = InstantSource.system();
        private KpiOptions options = KpiOptions.DEFAULTS;
        private @Nullable HistoryStore history;
        private BiConsumer<String, @Nullable Throwable> problems = (m, e) -> {};
        private boolean timer = true;

        private Builder() {}

        /** The twin read and written (required); its event log is consumed unless {@link #log} says otherwise. */
        public Builder twin(Twin v) {
            twin = Objects.requireNonNull(v);
            return this;
        }

        /** The event log to consume, by default the twin's. */
        public Builder log(EventLog v) {
            log = Objects.requireNonNull(v);
            return this;
        }

        public Builder clock(InstantSource v) {
            clock = Objects.requireNonNull(v);
            return this;
        }

        public Builder options(KpiOptions v) {
            options = Objects.requireNonNull(v);
            return this;
        }

        /** Where the state is rebuilt from after a restart (optional). */
        public Builder history(@Nullable HistoryStore v) {
            history = v;
            return this;
        }

        /** Told (message, cause) about failures; never throws into the log. */
        public Builder problems(BiConsumer<String, @Nullable Throwable> v) {
            problems = Objects.requireNonNull(v);
            return this;
        }

        /** Whether a timer thread calls {@link #tick()} (default true; tests drive it themselves). */
        public Builder timer(boolean v) {
            timer = v;
            return this;
        }

        public KpiService build() {
            return new KpiService(this);
        }
    }
}
