package io.citytwin.rule;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmService;
import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.EventLog;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Json;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/*
 * THE RULES ENGINE
 *
 * A named consumer ("rules") of the change event log, like HistoryWriter and SubscriptionService: it resumes where it
 * last committed, processes each batch on the log's consumer thread and commits after it (the alarms it raised are
 * durable by then), so the twin's write path never waits for rules and a crash replays at most one batch
 * (at-least-once; dedup makes a replayed raise count as an occurrence, never a second alarm).
 *
 * Per event: the entity's types select candidate rules (an index by type); a rule is evaluated only when the change
 * touched an attribute its condition reads (so derived attributes written back do not loop) and the entity is in its
 * scope (q and geo against the entity after the change). State is per (rule, entity): the node tree of the condition
 * (windows, detectors, timers) plus whether the rule currently holds; the rule acts on transitions only (raise on
 * false -> true, clear on true -> false or when clearWhen holds), which with the alarm service's dedup gives one
 * alarm per episode.
 *
 * Time: each sample's event time is the observedAt of the attributes it changed (else the change time). The
 * tenant's watermark is the newest event time seen, advanced by the injected clock while no data arrives (an idle
 * source must not stop absence detection, as in Flink's idleness handling). Timed conditions (durations, absence,
 * windows by time) are evaluated as event time passes: at every event-time tick boundary a sample moves the watermark
 * across, before that sample (see EVENT-TIME TICKS), so detection does not depend on how fast a replay runs; and
 * against the watermark by the periodic wall-clock tick(), which is what moves time while sources are idle.
 *
 * After a restart the engine learns from the open alarms which (rule, entity) pairs were holding, so their alarms
 * still clear when the condition ends; absence rules are seeded from the twin's last update times; windows and
 * detectors are rebuilt from past samples when the node calls rebuild() (see REBUILD AFTER A RESTART).
 *
 * Trace: per rule a ring buffer of the latest evaluations (every transition, every late/dropped sample, and a sample
 * of the others, one in `traceEvery` or fewer, see ADAPTIVE TRACE SAMPLING) with the values the condition looked at:
 * always on, bounded, cheap.
 */
/**
 * Evaluates the {@link Rule}s on every change of the twin and carries out their outcomes. Thread-safe: event batches,
 * ticks and rule changes are serialised on the engine.
 */
public final class RuleEngine implements AutoCloseable {
    /** The name under which the engine consumes and commits on the event log. */
    public static final String CONSUMER = "rules";

    /** The largest adaptive trace sampling interval. */
    private static final int MAX_TRACE_EVERY = 1 << 20;

    private static final String DEVICE_STATE = io.citytwin.twin.Ngsi.DEFAULT_VOCAB + "deviceState";

    /**
     * Tuning.
     *
     * @param traceCapacity evaluations kept per rule
     * @param traceEvery one in this many ordinary evaluations is traced (transitions always are); with a
     *     {@code traceSpan}, the smallest such interval
     * @param eventTick the step of event-time ticks: while samples move a tenant's watermark, its timed conditions
     *     (durations, absence, windows by time) are evaluated at every multiple of this step (since the epoch) the
     *     watermark crosses, before the sample that crossed it; zero or negative: only the wall-clock {@link #tick()}
     * @param maxEventTicks at most this many boundaries are evaluated for one advance of the watermark; a larger jump
     *     evaluates what is still due at its newest boundary
     * @param traceSpan the wall-clock time a busy rule's trace should cover: the sampling interval of each rule
     *     adapts (from {@code traceEvery} up) so that its sampled evaluations are about {@code traceSpan /
     *     traceCapacity} apart; zero: a fixed interval of {@code traceEvery}
     */
    public record Options(
            int traceCapacity, int traceEvery, Duration eventTick, int maxEventTicks, Duration traceSpan) {
        /**
         * 200 entries per rule, one in ten ordinary evaluations or fewer so that a busy rule's trace covers ten
         * minutes; event-time ticks every minute, at most a day of them per advance.
         */
        public static final Options DEFAULTS =
                new Options(200, 10, Duration.ofMinutes(1), 1440, Duration.ofMinutes(10));

        public Options {
            if (traceCapacity < 1 || traceEvery < 1) {
                throw new IllegalArgumentException("traceCapacity and traceEvery must be positive");
            }
            Objects.requireNonNull(eventTick, "eventTick");
            if (maxEventTicks < 1) {
                throw new IllegalArgumentException("maxEventTicks must be positive");
            }
            if (Objects.requireNonNull(traceSpan, "traceSpan").isNegative()) {
                throw new IllegalArgumentException("traceSpan must not be negative");
            }
        }

        /** Traces at a fixed interval, as given; event-time ticks as given. */
        public Options(int traceCapacity, int traceEvery, Duration eventTick, int maxEventTicks) {
            this(traceCapacity, traceEvery, eventTick, maxEventTicks, Duration.ZERO);
        }

        /** Traces at a fixed interval, as given; event-time ticks every minute (at most 1440 boundaries per advance). */
        public Options(int traceCapacity, int traceEvery) {
            this(traceCapacity, traceEvery, Duration.ofMinutes(1), 1440);
        }

        /** These options with another event-time tick step (zero or negative: off). */
        public Options withEventTick(Duration step) {
            return new Options(traceCapacity, traceEvery, step, maxEventTicks, traceSpan);
        }

        /** These options with another trace span (zero: a fixed sampling interval). */
        public Options withTraceSpan(Duration span) {
            return new Options(traceCapacity, traceEvery, eventTick, maxEventTicks, span);
        }
    }

    /** Counters since start. */
    public record Stats(
            long evaluations,
            long alarmsRaised,
            long alarmsCleared,
            long lateSamples,
            long droppedSamples,
            long evaluationNanos,
            int rules,
            long states) {}

    private final @Nullable EventLog log;
    private final @Nullable Twin twin;
    private final AlarmService alarms;
    private final InstantSource clock;
    private final Options options;
    private final BiConsumer<String, @Nullable Throwable> problems;
    /*
     * The context of ticks, rebuilds and seeding. An event's evaluations take a new context of their own (one()), not
     * this one: an evaluation stores references into its context (the entity, times, objects it notes). Into a
     * long-lived (old) object each such store takes G1's slow write-barrier path, a StoreLoad fence and a card check;
     * into a young one the barrier returns at its first tests. Reusing one context cost 10-20 % of the engine's
     * throughput at 1,000 rules (RuleEvalBench, with the watermark below); allocating one costs less than a rule
     * evaluation. The event's context is passed along rather than kept in a field: storing a young object into this
     * (old) engine is such a slow store too, once per event.
     */
    private final Ctx ctx;
    /** The event-time tick step in nanoseconds; 0: off. */
    private final long tickNanos;
    /** The wall-clock gap wanted between a rule's sampled trace entries; 0: a fixed interval. */
    private final long sampleGapMillis;

    private final Map<String, Compiled> rules = new TreeMap<>();
    private final Map<String, List<Compiled>> byType = new HashMap<>();
    private final Map<TenantId, Watermark> watermarks = new HashMap<>();
    /** Per tenant, per entity: its candidate rules and their states (the hot path's single lookup). */
    private final Map<TenantId, Map<EntityId, Ent>> entities = new HashMap<>();
    /** Candidate sets shared by the entities with the same candidate rules; rebuilt when rules change. */
    private final Map<List<Compiled>, Cands> candsCache = new HashMap<>();
    /** Bumped on every rule change: entities rebuild their candidates lazily. */
    private int generation;

    private @Nullable TenantId lastTenant;
    private @Nullable Map<EntityId, Ent> lastEntities;
    private int[] scratch = new int[64];
    private int[] marks = new int[64];
    private int stamp;
    /** Written so that the touching loads in one() are not optimised away. */
    @SuppressWarnings("unused")
    private long touched;

    private final Set<List<String>> restored = new HashSet<>();
    private final List<RuleEventListener> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Signal> signals = new ConcurrentLinkedQueue<>();
    private EventLog.@Nullable Subscription subscription;
    private volatile long processed;
    private long evaluations;
    private long raised;
    private long cleared;
    private long late;
    private long dropped;
    private long nanos;

    /**
     * @param log the change event log to consume, or null to feed the engine by {@link #process} only (tests)
     * @param twin where related entities are looked up and derived attributes written, or null for neither
     * @param alarms where alarms are raised and cleared
     * @param clock the injected clock: advances watermarks of idle tenants
     * @param problems told (message, cause) about failing outcomes and rules; never thrown into the log
     */
    public RuleEngine(
            @Nullable EventLog log,
            @Nullable Twin twin,
            AlarmService alarms,
            InstantSource clock,
            Options options,
            BiConsumer<String, @Nullable Throwable> problems) {
        this.log = log;
        this.twin = twin;
        this.alarms = Objects.requireNonNull(alarms);
        this.clock = Objects.requireNonNull(clock);
        this.options = Objects.requireNonNull(options);
        this.problems = Objects.requireNonNull(problems);
        this.ctx = new Ctx(twin);
        long step;
        try {
            step = options.eventTick().isNegative() ? 0 : options.eventTick().toNanos();
        } catch (ArithmeticException e) {
            step = Long.MAX_VALUE / 4;
        }
        this.tickNanos = Math.min(step, Long.MAX_VALUE / 4);
        long span;
        try {
            span = options.traceSpan().toMillis();
        } catch (ArithmeticException e) {
            span = Long.MAX_VALUE;
        }
        this.sampleGapMillis = span == 0 ? 0 : Math.max(1, span / options.traceCapacity());
    }

    /** Adds a listener of {@link Outcome.Emit} outcomes (incident management). */
    public void addListener(RuleEventListener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    // ---------------------------------------------------------------- lifecycle

    /** Learns the open alarms and starts consuming where the engine last committed (or at the log's end). */
    public RuleEngine start() {
        EventLog l = Objects.requireNonNull(log, "no event log");
        return start(l.committed(CONSUMER).orElse(l.endOffset()));
    }

    /** Learns the open alarms and starts consuming at {@code fromOffset}. */
    public RuleEngine start(long fromOffset) {
        EventLog l = Objects.requireNonNull(log, "no event log");
        synchronized (this) {
            if (subscription != null) {
                throw new IllegalStateException("already started");
            }
            restore(alarms.open());
            processed = fromOffset;
        }
        EventLog.Subscription[] self = new EventLog.Subscription[1];
        EventLog.Subscription s = l.subscribe(CONSUMER, fromOffset, new EventLog.Consumer() {
            @Override
            public void accept(long firstOffset, List<ChangeEvent> events) {
                try {
                    process(events);
                } catch (RuntimeException e) {
                    problems.accept("rules failed on a batch of " + events.size() + " events", e);
                }
                long next = firstOffset + events.size();
                processed = next;
                if (self[0] != null) {
                    self[0].commit(next);
                }
            }

            @Override
            public void overrun(long fromOffset, long toOffset) {
                problems.accept(
                        "rules fell behind the event log: events " + fromOffset + " to " + toOffset + " were skipped",
                        null);
            }
        });
        self[0] = s;
        synchronized (this) {
            subscription = s;
        }
        return this;
    }

    /** Remembers that these alarms' rules hold for their originators (start-up), so they clear when it ends. */
    public synchronized void restore(Collection<Alarm> open) {
        for (Alarm a : open) {
            restored.add(List.of(a.tenant().value(), a.rule(), a.originator()));
        }
    }

    /** Waits (at most 30 s) until every event appended to the log before the call has been processed (tests). */
    public void flush() {
        if (log == null) {
            return;
        }
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

    @Override
    public void close() {
        EventLog.Subscription s;
        synchronized (this) {
            s = subscription;
            subscription = null;
        }
        if (s != null) {
            s.close();
        }
    }

    // ---------------------------------------------------------------- rules

    /** Adds or replaces a rule (by id). A new version starts with fresh state but keeps which entities it holds for. */
    public synchronized void put(Rule rule) {
        Compiled old = rules.get(rule.id());
        if (old != null) {
            for (Map.Entry<Key, Evaluators.Node> e : old.states.entrySet()) {
                if (e.getValue().active) {
                    restored.add(List.of(
                            e.getKey().tenant.value(), rule.id(), e.getKey().id.value()));
                }
            }
            unindex(old);
            purge(old);
        }
        Compiled c = new Compiled(rule, options.traceCapacity(), options.traceEvery());
        if (old != null) {
            c.trace.addAll(old.trace);
        }
        rulesChanged();
        rules.put(rule.id(), c);
        for (String t : rule.scope().types()) {
            byType.computeIfAbsent(t, k -> new ArrayList<>()).add(c);
        }
        if (c.absence && rule.enabled()) {
            seed(c);
        }
    }

    /** Removes a rule; its open alarms stay open (an operator clears them). */
    public synchronized boolean remove(String id) {
        Compiled old = rules.remove(id);
        if (old != null) {
            unindex(old);
            purge(old);
            rulesChanged();
        }
        return old != null;
    }

    private void purge(Compiled old) {
        old.retired = true;
        if (old.clockTimed) {
            for (Watermark wm : watermarks.values()) {
                wm.purge(old);
            }
        }
    }

    private void rulesChanged() {
        generation++;
        candsCache.clear();
    }

    private void unindex(Compiled c) {
        for (String t : c.rule.scope().types()) {
            List<Compiled> l = byType.get(t);
            if (l != null) {
                l.remove(c);
                if (l.isEmpty()) {
                    byType.remove(t);
                }
            }
        }
    }

    /** The rules, by id. */
    public synchronized List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (Compiled c : rules.values()) {
            out.add(c.rule);
        }
        return out;
    }

    /** The rule with {@code id}. */
    public synchronized Optional<Rule> rule(String id) {
        Compiled c = rules.get(id);
        return c == null ? Optional.empty() : Optional.of(c.rule);
    }

    /** The latest traced evaluations of the rule, oldest first; empty for an unknown rule. */
    public synchronized List<TraceEntry> trace(String id) {
        Compiled c = rules.get(id);
        if (c == null) {
            return List.of();
        }
        return c.trace.entries();
    }

    /** The counters since start. */
    public synchronized Stats stats() {
        long states = 0;
        for (Compiled c : rules.values()) {
            states += c.states.size();
        }
        return new Stats(evaluations, raised, cleared, late, dropped, nanos, rules.size(), states);
    }

    // ---------------------------------------------------------------- input

    /**
     * Feeds a reading that is not in the twin (e.g. a device's decode error) as a sample of {@code attribute} on the
     * entity; it is evaluated with the next batch or tick, at the tenant's watermark (the newest event time, so a
     * signal follows a simulated timeline too). Never blocks.
     */
    public void signal(TenantId tenant, EntityId entity, String attribute, Object value) {
        signals.add(new Signal(tenant, entity, Names.expand(attribute), Json.freeze(value)));
    }

    private record Signal(TenantId tenant, EntityId entity, String attribute, Object value) {}

    private @Nullable ChangeEvent event(Signal s) {
        Entity current;
        try {
            current = twin == null ? null : twin.find(s.tenant(), s.entity()).orElse(null);
        } catch (TwinException e) {
            return null;
        }
        if (current == null) {
            return null;
        }
        Watermark wm = watermarks.get(s.tenant());
        Instant at = wm == null ? clock.instant() : wm.now(clock.instant());
        Attribute a = Attribute.property(s.value()).withObservedAt(at);
        return new ChangeEvent(
                s.tenant(),
                s.entity(),
                ChangeKind.UPDATED,
                current,
                current.withInstance(s.attribute(), a),
                Set.of(s.attribute()),
                at);
    }

    /** Evaluates the rules on these events, in order (the event log consumer calls this; so can tests). */
    public synchronized void process(List<ChangeEvent> events) {
        // timed per batch, not per evaluation, and the wall clock read once per batch (a batch is evaluated in a few
        // milliseconds): reading a clock costs as much as evaluating a simple rule
        long t0 = System.nanoTime();
        Instant wall = clock.instant();
        for (ChangeEvent e : events) {
            one(e, wall);
        }
        drainSignals(wall);
        nanos += System.nanoTime() - t0;
    }

    private void drainSignals(Instant wall) {
        Signal s;
        while ((s = signals.poll()) != null) {
            ChangeEvent e = event(s);
            if (e != null) {
                one(e, wall);
            }
        }
    }

    /*
     * The hot path, per event: one lookup of the entity's record (its candidate rules: those of its types whose id
     * pattern matches its id, computed once per entity and rule generation; and the states of those rules for it),
     * then only the rules that read one of the changed attributes (an index by attribute of the candidate set, shared
     * by all entities with the same candidates). The event's time and the watermark are read once per event (the wall
     * clock once per batch); noting values for traces neither boxes nor builds maps (see Ctx).
     */
    private void one(ChangeEvent e, Instant wall) {
        if (e.kind() == ChangeKind.DELETED) {
            Key k = new Key(e.tenant(), e.entityId());
            for (Compiled c : rules.values()) {
                dropState(c, k);
            }
            Map<EntityId, Ent> m = entities.get(e.tenant());
            if (m != null) {
                m.remove(e.entityId());
            }
            return;
        }
        Entity cur = e.current();
        if (cur == null || cur.hasType(AlarmService.ALERT_TYPE)) {
            return;
        }
        Ent ent = ent(e.tenant(), cur);
        Cands cands = ent.cands;
        if (cands.all.length == 0) {
            return;
        }
        Watermark wm = watermarks.get(e.tenant());
        if (wm == null) {
            wm = watermark(e.tenant());
        }
        Instant observed = observedTime(e, cur, null);
        if (observed != null) {
            long on = epochNanos(observed);
            // one primitive compare per sample: a boundary is crossed once per tick step of event time
            if (on >= wm.nextTick) {
                eventTicks(wm, on);
            }
            wm.advance(observed, wall);
        }
        Instant now = wm.now(wall);
        Set<String> changed = e.changedAttributes();
        int[] sel;
        int n;
        if (e.kind() != ChangeKind.UPDATED) {
            sel = cands.every;
            n = sel.length;
        } else if (changed.size() == 1) {
            sel = cands.forAttribute(changed.iterator().next());
            n = sel.length;
        } else {
            n = select(cands, changed);
            sel = scratch;
        }
        // touch the states first: their loads are independent, so the cache misses overlap (memory-level
        // parallelism) instead of costing one full memory latency per rule inside the evaluations; plain field loads
        // and no call, so that the loop issues them all without waiting for any (getClass() loads an object's header).
        // The rules' compiled records too: a thousand rules' records do not stay in the caches between two changes
        // of the same kind of entity
        long touch = 0;
        Evaluators.Node[] states = ent.states;
        Compiled[] all = cands.all;
        for (int i = 0; i < n; i++) {
            int idx = sel[i];
            if (all[idx].enabled) {
                touch++;
            }
            Evaluators.Node st = states[idx];
            if (st != null) {
                touch += st.maxT;
                Object second = st.second;
                if (second != null && second.getClass() == Object.class) {
                    touch++;
                }
            }
        }
        touched = touch;
        Ctx x = new Ctx(twin); // young, and not stored into the engine: see the note at the field
        for (int i = 0; i < n; i++) {
            int idx = sel[i];
            Compiled c = cands.all[idx];
            try {
                evaluate(c, ent, idx, e, cur, observed, now, wm, x);
            } catch (RuntimeException ex) {
                problems.accept("rule " + c.rule.id() + " failed on " + e.entityId(), ex);
            }
        }
    }

    /** The union of the candidates reading any of {@code changed}, in candidate order, into {@link #scratch}. */
    private int select(Cands cands, Set<String> changed) {
        if (marks.length < cands.all.length) {
            marks = new int[Math.max(cands.all.length, marks.length * 2)];
            scratch = new int[marks.length];
        }
        if (++stamp == 0) {
            Arrays.fill(marks, 0);
            stamp = 1;
        }
        int n = 0;
        for (String a : changed) {
            for (int idx : cands.forAttribute(a)) {
                if (marks[idx] != stamp) {
                    marks[idx] = stamp;
                    scratch[n++] = idx;
                }
            }
        }
        Arrays.sort(scratch, 0, n);
        return n;
    }

    private List<Compiled> candidates(Entity cur) {
        List<String> types = cur.types();
        if (types.size() == 1) {
            List<Compiled> l = byType.get(types.get(0));
            return l == null ? List.of() : l;
        }
        List<Compiled> out = new ArrayList<>();
        for (String t : types) {
            List<Compiled> l = byType.get(t);
            if (l != null) {
                for (Compiled c : l) {
                    if (!out.contains(c)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    /** The entity's record, (re)built when it is new, its types changed or the rules changed. */
    private Ent ent(TenantId tenant, Entity cur) {
        Map<EntityId, Ent> m;
        if (tenant.equals(lastTenant)) {
            m = lastEntities;
        } else {
            m = entities.computeIfAbsent(tenant, t -> new HashMap<>());
            lastTenant = tenant;
            lastEntities = m;
        }
        Ent ent = m.get(cur.id());
        if (ent == null) {
            ent = new Ent(new Key(tenant, cur.id()));
            m.put(cur.id(), ent);
        }
        if (ent.generation != generation || (ent.types != cur.types() && !ent.types.equals(cur.types()))) {
            List<Compiled> list = new ArrayList<>();
            for (Compiled c : candidates(cur)) {
                if (c.rule.scope().matchesId(cur.id().value())) {
                    list.add(c);
                }
            }
            Cands cands = candsCache.get(list);
            if (cands == null) {
                cands = new Cands(list);
                candsCache.put(List.copyOf(list), cands);
            }
            ent.cands = cands;
            ent.types = cur.types();
            ent.generation = generation;
            ent.states = new Evaluators.Node[cands.all.length];
            for (int i = 0; i < cands.all.length; i++) {
                ent.states[i] = cands.all[i].states.get(ent.key);
            }
        }
        return ent;
    }

    /**
     * The observed time of a change: the newest observedAt among the changed (watched) attributes, or null when they
     * carry none (the change's own time then stands in, but does not move watermarks: an entity created through the
     * API now must not make a simulated past timeline look late).
     */
    private static @Nullable Instant observedTime(ChangeEvent e, Entity cur, @Nullable Set<String> watched) {
        Instant t = null;
        for (String name : e.changedAttributes()) {
            if (watched != null && !watched.isEmpty() && !watched.contains(name)) {
                continue;
            }
            for (Attribute a : cur.instances(name)) {
                Instant o = a.observedAt();
                if (o != null && (t == null || o.isAfter(t))) {
                    t = o;
                }
            }
        }
        return t;
    }

    private void evaluate(
            Compiled c,
            Ent ent,
            int idx,
            ChangeEvent e,
            Entity cur,
            @Nullable Instant eventObserved,
            Instant now,
            Watermark wm,
            Ctx x) {
        if (!c.enabled) {
            return;
        }
        Set<String> changed = e.changedAttributes();
        // an update reaches a rule reading attributes only through the index by changed attribute (see one())
        if (e.kind() == ChangeKind.UPDATED && c.watchesAll && !c.relevant(changed)) {
            return;
        }
        Key k = ent.key;
        Evaluators.Node st = ent.states[idx];
        if (c.stateScope && !c.rule.scope().matchesState(cur)) {
            if (st != null) {
                dropState(c, k);
                ent.states[idx] = null;
                if (st.active) {
                    x.reset(k.tenant, cur, e.at(), now);
                    x.note("leftScope", true);
                    clearOutcomes(c, k, x);
                    record(c, k, "cleared", x, true);
                }
            }
            return;
        }
        if (st == null) {
            st = newState(c, k);
            ent.states[idx] = st;
        }
        // an update of one attribute the rule reads (or a rule reading all): the event's own observed time
        Instant observed = c.watchesAll || (changed.size() == 1 && e.kind() == ChangeKind.UPDATED)
                ? eventObserved
                : observedTime(e, cur, c.watched);
        Instant t = observed != null ? observed : e.at();
        x.reset(k.tenant, cur, t, now, changed);
        x.observed = observed != null;
        if (observed == null) {
            // no event time of its own: evaluated as of now, never late
        } else if (st.maxT != NONE && epochNanos(t) < st.maxT) {
            if (epochNanos(t) < st.maxT - c.graceNanos) {
                dropped++;
                x.note("newest", instant(st.maxT).toString());
                x.note("grace", c.rule.grace().toString());
                record(c, k, "dropped", x, true);
                return;
            }
            late++;
            x.outOfOrder = true;
        } else {
            st.maxT = epochNanos(t);
        }
        evaluations++;
        boolean holds = st.event(x);
        boolean clears = st.clear == null ? !holds : st.clear.event(x) && !holds;
        transition(c, st, k, holds, clears, x.outOfOrder ? "late" : null, x);
        if (c.clockTimed) {
            schedule(wm, c, k, st, NONE);
        }
    }

    private Evaluators.Node newState(Compiled c, Key k) {
        Evaluators.Node st = Evaluators.build(c.rule.condition(), c.rule.grace());
        st.clear = c.rule.clearCondition() == null ? null : Evaluators.build(c.rule.clearCondition(), c.rule.grace());
        st.active = restored.remove(List.of(k.tenant.value(), c.rule.id(), k.id.value()));
        retire(c.states.put(k, st)); // a rebuild replaces a seeded state
        return st;
    }

    /** Forgets the rule's state for the entity. */
    private static void dropState(Compiled c, Key k) {
        retire(c.states.remove(k));
    }

    /** A state no longer in its rule's map: its event-time timer entries, if any, find it stale when they pop. */
    private static void retire(Evaluators.@Nullable Node gone) {
        if (gone != null) {
            gone.scheduled = Long.MAX_VALUE;
        }
    }

    private void transition(
            Compiled c, Evaluators.Node st, Key k, boolean holds, boolean clears, @Nullable String note, Ctx x) {
        String result;
        boolean transition = false;
        if (!st.active && holds) {
            st.active = true;
            transition = true;
            result = "raised";
            raiseOutcomes(c, k, x);
        } else if (st.active && clears) {
            st.active = false;
            transition = true;
            result = "cleared";
            clearOutcomes(c, k, x);
        } else {
            result = note != null ? note : String.valueOf(holds);
            if (st.active && c.writesValue) {
                writeValue(c, k, x);
            }
        }
        record(c, k, result, x, transition || note != null);
    }

    private void record(Compiled c, Key k, String result, Ctx x, boolean always) {
        if (!always) {
            if (--c.untilSampled > 0) {
                return;
            }
            if (sampleGapMillis > 0) {
                pace(c);
            }
            c.untilSampled = c.every;
        }
        c.trace.add(x.t, k.id.value(), c.rule.version(), result, x);
    }

    /*
     * ADAPTIVE TRACE SAMPLING. A fixed one-in-ten interval makes a busy rule's ring (200 entries) cover its last half
     * second, and its copies cost a cache miss or two per sample: ~15 % of the engine's time at 1,000 rules. Instead each rule's interval follows its load so that its sampled entries are about traceSpan /
     * traceCapacity apart in wall-clock time. At each sampled evaluation the interval is scaled by the target gap over
     * the gap since the previous sample (a proportional step, by at most 4x either way, so one odd gap does not swing
     * it), within [traceEvery, MAX_TRACE_EVERY]. A rule going from 4,000 evaluations/s to ten finds its way back down
     * in a few samples (each step at most a quarter, so ~log4 of the ratio samples). The clock is read once per sampled
     * evaluation only. Transitions, late and dropped samples are always traced and do not steer the interval.
     */
    private void pace(Compiled c) {
        long now = clock.millis();
        if (c.lastSampled != Long.MIN_VALUE) {
            long gap = Math.max(now - c.lastSampled, 0);
            double f = gap == 0 ? 4 : Math.min(4, Math.max(0.25, (double) sampleGapMillis / gap));
            long every = Math.round(c.every * f);
            c.every = (int) Math.min(MAX_TRACE_EVERY, Math.max(options.traceEvery(), every));
        }
        c.lastSampled = now;
    }

    // ---------------------------------------------------------------- ticks

    /**
     * Lets time pass: evaluates durations, absence and windows by time of every rule against each tenant's watermark
     * (the newest event time, advanced by the clock while no data arrives), and conditions reading related entities.
     * The node calls it periodically; it is what moves time for a tenant whose sources are idle (while samples
     * arrive, event-time ticks evaluate timed conditions as the watermark moves, see {@link Options#eventTick}).
     */
    public synchronized void tick() {
        Instant wall = clock.instant();
        drainSignals(wall);
        for (Compiled c : rules.values()) {
            if (!c.timed || !c.rule.enabled()) {
                continue;
            }
            for (Map.Entry<Key, Evaluators.Node> e : c.states.entrySet()) {
                Key k = e.getKey();
                Evaluators.Node st = e.getValue();
                Watermark wm = watermarks.get(k.tenant);
                Instant now = wm == null ? wall : wm.now(wall);
                timedTick(c, k, st, now, "a tick");
                if (c.clockTimed) {
                    schedule(watermark(k.tenant), c, k, st, NONE);
                }
            }
        }
        if (tickNanos > 0) {
            // event-time ticks never evaluate at or before a time this tick evaluated at (no flapping back in time)
            for (Watermark wm : watermarks.values()) {
                if (wm.nextTick != Long.MIN_VALUE) {
                    long after = Math.floorDiv(epochNanos(wm.now(wall)), tickNanos) * tickNanos + tickNanos;
                    wm.nextTick = Math.max(wm.nextTick, after);
                }
            }
        }
    }

    /*
     * EVENT-TIME TICKS. The wall-clock tick() alone makes detection depend on the replay speed: a simulated week
     * replayed at 20 simulated minutes per wall second moves the watermark by 20 minutes between ticks, so an
     * absence of 80 minutes starting and ending between two ticks' views is never seen (issue 6). So time also passes
     * with the data: when a sample moves its tenant's watermark across a multiple of Options.eventTick (since the
     * epoch), the timed conditions of the tenant are evaluated at each boundary crossed, BEFORE the sample is applied
     * (an absence that began before the silence ended is seen as of then), and their outcomes carry the boundary's
     * time (an alarm's time is event time, not wall time, in replays too).
     *
     * Evaluating every timed state at every boundary costs (timed states x boundaries), which for a fast replay or
     * a dense event-time clock dwarfs the hot path. Instead each tenant keeps a timer heap of its timed states by
     * the earliest event time at which a tick could change their result (Node.due(): lastSeen + after for absence,
     * since + duration for a duration, the oldest sample's expiry for a sliding window, the first open bucket's end
     * plus grace for a tumbling window; conservative: earlier is harmless, later would miss). A state is pushed when
     * its due moves earlier than the entry it has (rarely: a duration starts to hold, a window gets its first sample);
     * when the due moves later (every sample of an absence rule) the old entry stays, pops early, finds nothing due,
     * and re-queues at the new due: a lazy timer wheel (Varghese and Lauck 1987), at most one live entry per state.
     * A boundary with nothing due costs nothing; a state is evaluated at the first boundary at or after its due, so
     * an alarm's time is within one step after the exact crossing. Per sample the cost is one primitive compare
     * with the next boundary, plus for a timed rule computing its due (a few field reads).
     *
     * Bounds: at most Options.maxEventTicks distinct boundaries per advance of the watermark; what is still due
     * after that is evaluated at the newest boundary crossed (a huge jump, e.g. a clock error, costs at most one
     * evaluation per due state, and its alarms carry that boundary's time). The cap is per advance, not per batch,
     * so the result does not depend on how the log batches the samples. The wall-clock tick() keeps running for
     * idle tenants and related entities; it pushes the next boundary past the time it evaluated at, so the two never
     * evaluate out of order.
     */
    private void eventTicks(Watermark wm, long on) {
        long step = tickNanos;
        long last = Math.floorDiv(on, step) * step; // the newest boundary crossed
        if (wm.nextTick == Long.MIN_VALUE) {
            // the tenant's first sample (since start): event time begins here, nothing before it is evaluated
            wm.nextTick = last + step;
            return;
        }
        int boundaries = 0;
        while (wm.size > 0 && wm.dues[0] <= last) {
            long b = Math.max(wm.nextTick, ceil(wm.dues[0], step));
            if (++boundaries >= options.maxEventTicks()) {
                b = last;
            }
            Instant at = instant(b);
            while (wm.size > 0 && wm.dues[0] <= b) {
                long due = wm.dues[0];
                Compiled c = wm.rules[0];
                Key k = wm.keys[0];
                Evaluators.Node st = wm.nodes[0];
                wm.pop();
                // superseded by an earlier entry, or the state is gone (removal resets scheduled; a replaced or
                // removed rule's entries are purged): two field reads, no lookup in the rule's map of states
                if (st.scheduled != due || c.retired) {
                    continue;
                }
                st.scheduled = Long.MAX_VALUE;
                if (!c.rule.enabled()) {
                    continue;
                }
                timedTick(c, k, st, at, "an event-time tick");
                schedule(wm, c, k, st, b);
            }
            wm.nextTick = b + step;
        }
        wm.nextTick = last + step;
    }

    /** Evaluates one timed state at event time {@code at} (a boundary or the watermark), acting on a transition. */
    private void timedTick(Compiled c, Key k, Evaluators.Node st, Instant at, String what) {
        // a condition on a related entity reads it now, as the wall-clock tick does: a lamp silent because its
        // cabinet lost power is not offline (the week's replay raised 238 such alarms when this read nothing)
        ctx.reset(k.tenant, c.related ? lookup(k) : null, at, at);
        try {
            evaluations++;
            boolean holds = st.tick(ctx);
            boolean clears = st.clear == null ? !holds : st.clear.tick(ctx) && !holds;
            if ((!st.active && holds) || (st.active && clears)) {
                ctx.entity = lookup(k);
                transition(c, st, k, holds, clears, null, ctx);
            }
        } catch (RuntimeException ex) {
            problems.accept("rule " + c.rule.id() + " failed on " + what + " for " + k.id, ex);
        }
    }

    /**
     * Queues the state at its due time when that is earlier than the entry it has (see eventTicks); a due not after
     * {@code evaluatedAt} (a boundary just evaluated) is queued just after it, so a boundary never repeats.
     */
    private void schedule(Watermark wm, Compiled c, Key k, Evaluators.Node st, long evaluatedAt) {
        if (tickNanos <= 0) {
            return;
        }
        long due = Evaluators.due(st);
        if (due == Long.MAX_VALUE) {
            return;
        }
        if (due <= evaluatedAt) {
            due = evaluatedAt + 1;
        }
        if (due < st.scheduled) {
            st.scheduled = due;
            wm.push(due, c, k, st);
        }
    }

    /** The smallest multiple of {@code step} at or after {@code t}. */
    private static long ceil(long t, long step) {
        return -Math.floorDiv(-t, step) * step;
    }

    private Watermark watermark(TenantId tenant) {
        Watermark wm = watermarks.get(tenant);
        if (wm == null) {
            wm = new Watermark(tickNanos > 0);
            watermarks.put(tenant, wm);
        }
        return wm;
    }

    /*
     * REBUILD AFTER A RESTART. Window samples and detector statistics live in memory only; without a rebuild a
     * restarted node decides nothing until its windows refill (a seasonal baseline: days). rebuild() replays, for every
     * rule with such state and every entity in its scope that has no state yet, the samples of the attributes the rule
     * reads over the look-back (from the history store, through SampleSource), oldest first, through a fresh state: as
     * the live path would have, but without outcomes (the alarms of that period happened, or not, already) and without
     * traces. Whether the rule held is what restore() learnt from the open alarms, so the next live sample raises or
     * clears as usual. Other attributes the condition reads take their current values (the history is per attribute).
     */
    /**
     * Rebuilds windows, detectors and durations from past samples (call before {@link #start}, after the rules are
     * in): for each enabled rule with such state and each entity of its scope without state, replays the samples of
     * the attributes it reads observed in the look-back, without raising or clearing anything. The look-back ends at
     * the entity's newest observed reading of those attributes in the twin (the clock when it has none), so a
     * simulated past timeline is rebuilt too.
     *
     * @param lookback how far back to read
     * @param limit at most this many samples per attribute and entity (the newest)
     * @return the (rule, entity) states rebuilt
     */
    public int rebuild(SampleSource source, Duration lookback, int limit) {
        return rebuild(source, lookback, limit, Duration.ofNanos(Long.MAX_VALUE), r -> {})
                .states();
    }

    /**
     * What a {@link #rebuild} did (or has done so far).
     *
     * @param states the (rule, entity) states rebuilt
     * @param samples the samples replayed
     * @param elapsed how long it took
     * @param complete false when it stopped at its time budget (the other states start empty)
     */
    public record Rebuild(int states, long samples, Duration elapsed, boolean complete) {}

    /**
     * Like {@link #rebuild(SampleSource, Duration, int)}, bounded in time: it stops once {@code budget} has passed
     * (checked before each state; the states not rebuilt start empty, as without a rebuild) and tells {@code progress}
     * about every 5 seconds. Holds the engine's lock throughout: call it before {@link #start}.
     */
    public synchronized Rebuild rebuild(
            SampleSource source, Duration lookback, int limit, Duration budget, Consumer<Rebuild> progress) {
        long t0 = System.nanoTime();
        long budgetNanos = Evaluators.nanos(budget);
        if (twin == null) {
            return new Rebuild(0, 0, Duration.ZERO, true);
        }
        Instant wall = clock.instant();
        int rebuilt = 0;
        long replayed = 0;
        long nextProgress = t0 + 5_000_000_000L;
        boolean complete = true;
        rules:
        for (Compiled c : rules.values()) {
            if (!c.rule.enabled() || c.absence || c.watched.isEmpty() || !Evaluators.hasHistory(c.rule.condition())) {
                continue;
            }
            for (TenantId tenant : twin.tenants()) {
                for (String type : c.rule.scope().types()) {
                    for (Entity e : twin.entitiesOfType(tenant, type)) {
                        Key k = new Key(tenant, e.id());
                        if (c.states.containsKey(k) || !c.rule.scope().matches(e)) {
                            continue;
                        }
                        long now = System.nanoTime();
                        if (now - t0 >= budgetNanos) {
                            complete = false;
                            break rules;
                        }
                        if (now >= nextProgress) {
                            nextProgress = now + 5_000_000_000L;
                            progress.accept(new Rebuild(rebuilt, replayed, Duration.ofNanos(now - t0), false));
                        }
                        Instant newest = lastUpdate(e, c.watched, true);
                        Instant anchor = newest == null ? wall : newest;
                        Instant from = anchor.minus(lookback);
                        Instant to = anchor.isAfter(wall) ? anchor : wall;
                        List<Object[]> samples = new ArrayList<>();
                        for (String attribute : c.watchedArray) {
                            for (SampleSource.Sample x : source.samples(tenant, e.id(), attribute, from, to, limit)) {
                                samples.add(new Object[] {x.at(), attribute, x.value()});
                            }
                        }
                        if (samples.isEmpty()) {
                            continue;
                        }
                        samples.sort((x, y) -> ((Instant) x[0]).compareTo((Instant) y[0]));
                        replay(c, k, e, samples, wall);
                        rebuilt++;
                        replayed += samples.size();
                    }
                }
            }
        }
        // the entities' records are rebuilt from the rules' states on their next event
        generation++;
        return new Rebuild(rebuilt, replayed, Duration.ofNanos(System.nanoTime() - t0), complete);
    }

    private void replay(Compiled c, Key k, Entity current, List<Object[]> samples, Instant wall) {
        Evaluators.Node st = newState(c, k);
        Watermark wm = watermark(k.tenant);
        for (Object[] x : samples) {
            Instant at = (Instant) x[0];
            String attribute = (String) x[1];
            Entity snapshot = current.withInstance(
                    attribute, Attribute.property(Json.freeze(x[2])).withObservedAt(at));
            wm.advance(at, wall);
            ctx.reset(k.tenant, snapshot, at, at, Set.of(attribute));
            long t = epochNanos(at);
            if (st.maxT != NONE && t < st.maxT) {
                ctx.outOfOrder = true;
            } else {
                st.maxT = t;
            }
            try {
                st.event(ctx);
                if (st.clear != null) {
                    st.clear.event(ctx);
                }
            } catch (RuntimeException ex) {
                problems.accept("rule " + c.rule.id() + " failed rebuilding " + k.id, ex);
                return;
            }
        }
        if (c.clockTimed) {
            schedule(wm, c, k, st, NONE);
        }
    }

    /** Creates the states of an absence rule for the entities in its scope, last seen at their last update. */
    private void seed(Compiled c) {
        if (twin == null) {
            return;
        }
        Instant wall = clock.instant();
        for (TenantId tenant : twin.tenants()) {
            for (String type : c.rule.scope().types()) {
                for (Entity e : twin.entitiesOfType(tenant, type)) {
                    Key k = new Key(tenant, e.id());
                    if (c.states.containsKey(k) || !c.rule.scope().matches(e)) {
                        continue;
                    }
                    Instant last = lastUpdate(e, c.watched, true);
                    boolean observedLast = last != null;
                    if (last == null) {
                        last = lastUpdate(e, c.watched, false);
                    }
                    if (last == null) {
                        continue;
                    }
                    if (observedLast) {
                        watermark(tenant).advance(last, wall);
                    }
                    Evaluators.Node st = newState(c, k);
                    ctx.reset(tenant, e, last, last, e.attributes().keySet());
                    ctx.seed = true;
                    ctx.observed = observedLast;
                    st.event(ctx);
                    if (st.clear != null) {
                        st.clear.event(ctx);
                    }
                    if (c.clockTimed) {
                        schedule(watermark(tenant), c, k, st, NONE);
                    }
                }
            }
        }
    }

    private static @Nullable Instant lastUpdate(Entity e, Set<String> watched, boolean observedOnly) {
        Instant t = null;
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            if (!watched.isEmpty() && !watched.contains(a.getKey())) {
                continue;
            }
            for (Attribute inst : a.getValue()) {
                Instant o = inst.observedAt() != null || observedOnly ? inst.observedAt() : inst.modifiedAt();
                if (o != null && (t == null || o.isAfter(t))) {
                    t = o;
                }
            }
        }
        return t == null && !observedOnly ? e.modifiedAt() : t;
    }

    private @Nullable Entity lookup(Key k) {
        if (twin == null) {
            return null;
        }
        try {
            return twin.find(k.tenant, k.id).orElse(null);
        } catch (TwinException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- outcomes

    private void raiseOutcomes(Compiled c, Key k, Ctx x) {
        Map<String, Object> details = x.values();
        for (Outcome o : c.rule.outcomes()) {
            switch (o) {
                case Outcome.RaiseAlarm a -> {
                    EntityId originator = originator(k, x, a.via());
                    if (originator == null) {
                        problems.accept("rule " + c.rule.id() + ": " + k.id + " has no relationship " + a.via(), null);
                        continue;
                    }
                    alarms.raise(new AlarmService.Raise(
                            k.tenant,
                            a.type(),
                            a.severity(),
                            originator,
                            c.rule.id(),
                            fill(a.description(), k, x),
                            details,
                            x.t));
                    raised++;
                }
                case Outcome.SetAttribute s ->
                    write(k, s.attribute(), "$value".equals(s.value()) ? x.value : s.value(), x.t);
                case Outcome.Emit em ->
                    emit(new RuleEvent(c.rule.id(), em.event(), k.tenant, k.id, true, x.t, details));
            }
        }
    }

    private void clearOutcomes(Compiled c, Key k, Ctx x) {
        for (Outcome o : c.rule.outcomes()) {
            switch (o) {
                case Outcome.RaiseAlarm a -> {
                    if (a.autoClear()) {
                        EntityId originator = originator(k, x, a.via());
                        if (originator != null
                                && alarms.clearByRule(k.tenant, originator, a.type(), c.rule.id(), x.t)
                                        .isPresent()) {
                            cleared++;
                        }
                    }
                }
                case Outcome.SetAttribute s -> {
                    if (s.clearValue() != null) {
                        write(k, s.attribute(), s.clearValue(), x.t);
                    }
                }
                case Outcome.Emit em ->
                    emit(new RuleEvent(c.rule.id(), em.event(), k.tenant, k.id, false, x.t, x.values()));
            }
        }
    }

    private void writeValue(Compiled c, Key k, Ctx x) {
        for (Outcome o : c.rule.outcomes()) {
            if (o instanceof Outcome.SetAttribute s && "$value".equals(s.value()) && Double.isFinite(x.value)) {
                write(k, s.attribute(), x.value, x.t);
            }
        }
    }

    private @Nullable EntityId originator(Key k, Ctx x, @Nullable String via) {
        if (via == null) {
            return k.id;
        }
        Entity e = x.entity != null ? x.entity : lookup(k);
        if (e == null) {
            return null;
        }
        Optional<Attribute> rel = e.attribute(via);
        if (rel.isPresent() && rel.get().value() instanceof String target && EntityId.isValid(target)) {
            return EntityId.of(target);
        }
        return null;
    }

    private void write(Key k, String attribute, @Nullable Object value, Instant at) {
        if (twin == null || value == null || (value instanceof Double d && !Double.isFinite(d))) {
            return;
        }
        Attribute a = new Attribute(AttributeKind.PROPERTY, Json.freeze(value), null, at, null, Map.of(), null, null);
        try {
            twin.appendAttributes(k.tenant, k.id, Map.of(attribute, List.of(a)), false);
        } catch (TwinException e) {
            problems.accept("could not set " + attribute + " on " + k.id, e);
        }
    }

    private void emit(RuleEvent e) {
        for (RuleEventListener l : listeners) {
            try {
                l.emitted(e);
            } catch (RuntimeException ex) {
                problems.accept("rule event listener failed", ex);
            }
        }
    }

    /** Replaces {id}, {type} and {name} placeholders from the evaluated values. */
    static String fill(String template, Key k, Ctx x) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        Map<String, Object> values = x.values();
        StringBuilder sb = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            char ch = template.charAt(i);
            int end = ch == '{' ? template.indexOf('}', i) : -1;
            if (end < 0) {
                sb.append(ch);
                i++;
                continue;
            }
            String name = template.substring(i + 1, end);
            Object v =
                    switch (name) {
                        case "id" -> k.id.value();
                        case "type" ->
                            x.entity == null
                                    ? null
                                    : Names.compact(x.entity.types().get(0));
                        case "value" -> Double.isNaN(x.value) ? null : x.value;
                        default -> values.get(name);
                    };
            if (v == null) {
                sb.append(template, i, end + 1);
            } else {
                sb.append(v instanceof Double d ? format(d) : v);
            }
            i = end + 1;
        }
        return sb.toString();
    }

    private static String format(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.valueOf(Math.round(d * 1000) / 1000.0);
    }

    // ---------------------------------------------------------------- state

    record Key(TenantId tenant, EntityId id) {}

    private static final long NONE = Long.MIN_VALUE;

    /** Nanoseconds since the epoch, saturated beyond about ±285 years. */
    static long epochNanos(Instant t) {
        long s = t.getEpochSecond();
        if (s >= 9_000_000_000L) {
            return Long.MAX_VALUE / 2;
        }
        if (s <= -9_000_000_000L) {
            return Long.MIN_VALUE / 2;
        }
        return s * 1_000_000_000L + t.getNano();
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(
                Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    /** An entity's candidate rules (shared) and its states for them (same order); null: no state yet. */
    private static final class Ent {
        final Key key;
        List<String> types = List.of();
        int generation = -1;
        Cands cands = Cands.NONE;
        Evaluators.Node[] states = new Evaluators.Node[0];

        Ent(Key key) {
            this.key = key;
        }
    }

    /**
     * Candidate rules of a kind of entity, indexed by the attribute whose change concerns them: for each attribute,
     * the (ascending) indexes of the rules reading it plus those reading every attribute (absence).
     */
    private static final class Cands {
        static final Cands NONE = new Cands(List.of());
        final Compiled[] all;
        final int[] every;
        private final int[] any;
        private final Map<String, int[]> byAttribute = new HashMap<>();

        Cands(List<Compiled> rules) {
            this.all = rules.toArray(new Compiled[0]);
            this.every = new int[all.length];
            List<Integer> anyList = new ArrayList<>();
            Map<String, List<Integer>> by = new HashMap<>();
            for (int i = 0; i < all.length; i++) {
                every[i] = i;
                if (all[i].watched.isEmpty()) {
                    anyList.add(i);
                    continue;
                }
                for (String w : all[i].watched) {
                    by.computeIfAbsent(w, x -> new ArrayList<>()).add(i);
                }
            }
            this.any = anyList.stream().mapToInt(Integer::intValue).toArray();
            for (Map.Entry<String, List<Integer>> en : by.entrySet()) {
                List<Integer> l = new ArrayList<>(en.getValue());
                l.addAll(anyList);
                byAttribute.put(
                        en.getKey(),
                        l.stream().mapToInt(Integer::intValue).sorted().toArray());
            }
        }

        // the last attribute asked for, by identity: events of one source reuse the same name instance
        private @Nullable String lastAttribute;
        private int[] lastIndexes = new int[0];

        int[] forAttribute(String attribute) {
            if (attribute == lastAttribute) {
                return lastIndexes;
            }
            int[] r = byAttribute.get(attribute);
            r = r == null ? any : r;
            lastAttribute = attribute;
            lastIndexes = r;
            return r;
        }
    }

    private static final class Compiled {
        final Rule rule;
        final Set<String> watched;
        final boolean absence;
        final boolean timed;
        /** Whether a tick can change the result as event time passes (not only a related entity's change). */
        final boolean clockTimed;
        /** Replaced or removed: its states' timer entries are stale. */
        boolean retired;

        final boolean writesValue;
        final boolean related;
        final Map<Key, Evaluators.Node> states = new LinkedHashMap<>();
        final TraceRing trace;
        /** Whether the scope depends on the entity's state (q, geo), checked on every evaluation. */
        final boolean stateScope;
        /** The rule's grace in nanoseconds (saturated). */
        final long graceNanos;

        final String[] watchedArray;
        /*
         * Copies of what every evaluation reads, so that it touches this object and not also the rule and the set of
         * watched names (one cache line per object, for a thousand rules, on the engine's hot path).
         */
        /** The rule's {@code enabled}. */
        final boolean enabled;
        /** {@code watched.isEmpty()}: the rule reads every attribute (absence). */
        final boolean watchesAll;
        /** Ordinary evaluations until the next traced one (1: the next). */
        int untilSampled = 1;
        /** One in this many ordinary evaluations is traced (see ADAPTIVE TRACE SAMPLING). */
        int every;
        /** The clock's millis at the previous sampled evaluation; Long.MIN_VALUE: none yet. */
        long lastSampled = Long.MIN_VALUE;

        Compiled(Rule rule, int traceCapacity, int traceEvery) {
            this.rule = rule;
            this.every = traceEvery;
            List<String> w = new ArrayList<>();
            Evaluators.watched(rule.condition(), w);
            if (rule.clearCondition() != null) {
                Evaluators.watched(rule.clearCondition(), w);
            }
            this.absence = Evaluators.hasAbsence(rule.condition());
            this.watched = absence ? Set.of() : Set.copyOf(w);
            this.watchedArray = watched.toArray(new String[0]);
            this.enabled = rule.enabled();
            this.watchesAll = watched.isEmpty();
            this.stateScope = rule.scope().q() != null || rule.scope().geo() != null;
            long g;
            try {
                g = rule.grace().toNanos();
            } catch (ArithmeticException e) {
                g = Long.MAX_VALUE / 4;
            }
            this.graceNanos = Math.min(g, Long.MAX_VALUE / 4);
            Evaluators.Node probe = Evaluators.build(rule.condition(), rule.grace());
            Evaluators.Node probeClear =
                    rule.clearCondition() == null ? null : Evaluators.build(rule.clearCondition(), rule.grace());
            this.related = Evaluators.hasRelated(rule.condition())
                    || (rule.clearCondition() != null && Evaluators.hasRelated(rule.clearCondition()));
            this.clockTimed = probe.timed() || (probeClear != null && probeClear.timed());
            this.timed = related || clockTimed;
            boolean wv = false;
            for (Outcome o : rule.outcomes()) {
                wv |= o instanceof Outcome.SetAttribute s && "$value".equals(s.value());
            }
            this.writesValue = wv;
            this.trace = new TraceRing(traceCapacity);
        }

        /** Whether a change of these attributes concerns the rule. */
        boolean relevant(Set<String> changed) {
            if (watched.isEmpty()) {
                // absence: any reading counts, but not the device state the ingest writes when it goes offline
                return !(changed.size() == 1 && changed.contains(DEVICE_STATE));
            }
            for (String w : watchedArray) {
                if (changed.contains(w)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A tenant's event-time watermark, advanced by the clock while idle, and its event-time timers: the timed states
     * of the tenant by the time their result may next change on a tick (a binary min-heap in parallel arrays, so a
     * push allocates nothing; entries are lazily invalidated, see {@link #eventTicks}).
     */
    private static final class Watermark {
        // the newest event time and the wall clock when it was seen, as primitives: advanced by nearly every sample,
        // and a reference stored into this long-lived object would take G1's slow barrier path (see RuleEngine#ctx)
        private boolean any;
        private long maxSecond;
        private int maxNano;
        private long anchorSecond;
        private int anchorNano;
        /**
         * The next event-time tick boundary (ns since the epoch): a sample at or after it runs the due timers. It is
         * always after every time the tenant's timed conditions were evaluated at, so they never go back in time.
         * Long.MIN_VALUE: not placed yet (the tenant's first sample places it); Long.MAX_VALUE: event-time ticks off.
         */
        long nextTick;

        long[] dues = new long[16];
        Compiled[] rules = new Compiled[16];
        Key[] keys = new Key[16];
        Evaluators.Node[] nodes = new Evaluators.Node[16];
        int size;

        Watermark(boolean ticks) {
            nextTick = ticks ? Long.MIN_VALUE : Long.MAX_VALUE;
        }

        void advance(Instant t, Instant wall) {
            long s = t.getEpochSecond();
            if (!any || s > maxSecond || (s == maxSecond && t.getNano() > maxNano)) {
                any = true;
                maxSecond = s;
                maxNano = t.getNano();
                anchorSecond = wall.getEpochSecond();
                anchorNano = wall.getNano();
            }
        }

        Instant now(Instant wall) {
            if (!any) {
                return wall;
            }
            Instant max = Instant.ofEpochSecond(maxSecond, maxNano);
            Duration idle = Duration.ofSeconds(wall.getEpochSecond() - anchorSecond, wall.getNano() - anchorNano);
            return idle.isNegative() || idle.isZero() ? max : max.plus(idle);
        }

        void push(long due, Compiled c, Key k, Evaluators.Node st) {
            if (size == dues.length) {
                int n = size * 2;
                dues = Arrays.copyOf(dues, n);
                rules = Arrays.copyOf(rules, n);
                keys = Arrays.copyOf(keys, n);
                nodes = Arrays.copyOf(nodes, n);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (dues[parent] <= due) {
                    break;
                }
                move(parent, i);
                i = parent;
            }
            set(i, due, c, k, st);
        }

        /** Removes the earliest entry (the caller read it at index 0). */
        void pop() {
            int n = --size;
            long due = dues[n];
            Compiled c = rules[n];
            Key k = keys[n];
            Evaluators.Node st = nodes[n];
            rules[n] = null;
            keys[n] = null;
            nodes[n] = null;
            if (n == 0) {
                return;
            }
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= n) {
                    break;
                }
                if (child + 1 < n && dues[child + 1] < dues[child]) {
                    child++;
                }
                if (due <= dues[child]) {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, due, c, k, st);
        }

        /** Drops the entries of these rules (replaced or removed). */
        void purge(Compiled c) {
            int n = 0;
            long[] ds = new long[dues.length];
            Compiled[] rs = new Compiled[dues.length];
            Key[] ks = new Key[dues.length];
            Evaluators.Node[] ns = new Evaluators.Node[dues.length];
            for (int i = 0; i < size; i++) {
                if (rules[i] != c) {
                    ds[n] = dues[i];
                    rs[n] = rules[i];
                    ks[n] = keys[i];
                    ns[n] = nodes[i];
                    n++;
                }
            }
            if (n == size) {
                return;
            }
            dues = new long[ds.length];
            rules = new Compiled[ds.length];
            keys = new Key[ds.length];
            nodes = new Evaluators.Node[ds.length];
            size = 0;
            for (int i = 0; i < n; i++) {
                push(ds[i], rs[i], ks[i], ns[i]);
            }
        }

        private void move(int from, int to) {
            dues[to] = dues[from];
            rules[to] = rules[from];
            keys[to] = keys[from];
            nodes[to] = nodes[from];
        }

        private void set(int i, long due, Compiled c, Key k, Evaluators.Node st) {
            dues[i] = due;
            rules[i] = c;
            keys[i] = k;
            nodes[i] = st;
        }
    }
}
