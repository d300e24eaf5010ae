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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
 * source must not stop absence detection, as in Flink's idleness handling); the periodic tick() evaluates timed
 * conditions (durations, absence, tumbling windows) against it.
 *
 * After a restart the engine starts with empty windows but learns from the open alarms which (rule, entity) pairs
 * were holding, so their alarms still clear when the condition ends; absence rules are seeded from the twin's last
 * update times.
 *
 * Trace: per rule a ring buffer of the latest evaluations (every transition, every late/dropped sample, and one in
 * `traceEvery` other evaluations) with the values the condition looked at: always on, bounded, cheap.
 */
/**
 * Evaluates the {@link Rule}s on every change of the twin and carries out their outcomes. Thread-safe: event batches,
 * ticks and rule changes are serialised on the engine.
 */
public final class RuleEngine implements AutoCloseable {
    /** The name under which the engine consumes and commits on the event log. */
    public static final String CONSUMER = "rules";

    private static final String DEVICE_STATE = io.citytwin.twin.Ngsi.DEFAULT_VOCAB + "deviceState";

    /**
     * Tuning.
     *
     * @param traceCapacity evaluations kept per rule
     * @param traceEvery one in this many ordinary evaluations is traced (transitions always are)
     */
    public record Options(int traceCapacity, int traceEvery) {
        public static final Options DEFAULTS = new Options(200, 10);

        public Options {
            if (traceCapacity < 1 || traceEvery < 1) {
                throw new IllegalArgumentException("traceCapacity and traceEvery must be positive");
            }
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
    private final Ctx ctx;
    private final Map<String, Compiled> rules = new TreeMap<>();
    private final Map<String, List<Compiled>> byType = new HashMap<>();
    private final Map<TenantId, Watermark> watermarks = new HashMap<>();
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
            for (Map.Entry<Key, EntityState> e : old.states.entrySet()) {
                if (e.getValue().active) {
                    restored.add(List.of(
                            e.getKey().tenant.value(), rule.id(), e.getKey().id.value()));
                }
            }
            unindex(old);
        }
        Compiled c = new Compiled(rule, options.traceCapacity());
        if (old != null) {
            c.trace.addAll(old.trace);
        }
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
        }
        return old != null;
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
        return c == null ? List.of() : List.copyOf(c.trace);
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
        for (ChangeEvent e : events) {
            one(e);
        }
        drainSignals();
    }

    private void drainSignals() {
        Signal s;
        while ((s = signals.poll()) != null) {
            ChangeEvent e = event(s);
            if (e != null) {
                one(e);
            }
        }
    }

    private void one(ChangeEvent e) {
        if (e.kind() == ChangeKind.DELETED) {
            Key k = new Key(e.tenant(), e.entityId());
            for (Compiled c : rules.values()) {
                c.states.remove(k);
            }
            return;
        }
        Entity cur = e.current();
        if (cur == null || cur.hasType(AlarmService.ALERT_TYPE)) {
            return;
        }
        List<Compiled> candidates = candidates(cur);
        if (candidates.isEmpty()) {
            return;
        }
        Watermark wm = watermarks.computeIfAbsent(e.tenant(), t -> new Watermark());
        Instant observed = observedTime(e, cur, null);
        if (observed != null) {
            wm.advance(observed, clock.instant());
        }
        for (int i = 0; i < candidates.size(); i++) {
            Compiled c = candidates.get(i);
            try {
                evaluate(c, e, cur, wm);
            } catch (RuntimeException ex) {
                problems.accept("rule " + c.rule.id() + " failed on " + e.entityId(), ex);
            }
        }
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

    private void evaluate(Compiled c, ChangeEvent e, Entity cur, Watermark wm) {
        Rule r = c.rule;
        if (!r.enabled()) {
            return;
        }
        if (e.kind() == ChangeKind.UPDATED && !c.relevant(e.changedAttributes())) {
            return;
        }
        Key k = new Key(e.tenant(), e.entityId());
        EntityState st = c.states.get(k);
        if (!r.scope().matches(cur)) {
            if (st != null) {
                c.states.remove(k);
                if (st.active) {
                    ctx.reset(k.tenant, cur, e.at(), wm.now(clock.instant()));
                    ctx.note("leftScope", true);
                    clearOutcomes(c, k, ctx);
                    record(c, k, "cleared", ctx, true);
                }
            }
            return;
        }
        if (st == null) {
            st = newState(c, k);
        }
        Instant observed = observedTime(e, cur, c.watched);
        Instant t = observed != null ? observed : e.at();
        ctx.reset(k.tenant, cur, t, wm.now(clock.instant()));
        ctx.changed = e.changedAttributes();
        ctx.observed = observed != null;
        if (observed == null) {
            // no event time of its own: evaluated as of now, never late
        } else if (st.maxT != null && t.isBefore(st.maxT)) {
            if (t.isBefore(st.maxT.minus(r.grace()))) {
                dropped++;
                ctx.note("newest", st.maxT.toString());
                ctx.note("grace", r.grace().toString());
                record(c, k, "dropped", ctx, true);
                return;
            }
            late++;
            ctx.outOfOrder = true;
        } else {
            st.maxT = t;
        }
        long t0 = System.nanoTime();
        evaluations++;
        boolean holds = st.cond.event(ctx);
        boolean clears = st.clear == null ? !holds : st.clear.event(ctx) && !holds;
        transition(c, st, k, holds, clears, ctx.outOfOrder ? "late" : null);
        nanos += System.nanoTime() - t0;
    }

    private EntityState newState(Compiled c, Key k) {
        EntityState st = new EntityState(
                Evaluators.build(c.rule.condition(), c.rule.grace()),
                c.rule.clearCondition() == null ? null : Evaluators.build(c.rule.clearCondition(), c.rule.grace()));
        st.active = restored.remove(List.of(k.tenant.value(), c.rule.id(), k.id.value()));
        c.states.put(k, st);
        return st;
    }

    private void transition(Compiled c, EntityState st, Key k, boolean holds, boolean clears, @Nullable String note) {
        String result;
        boolean transition = false;
        if (!st.active && holds) {
            st.active = true;
            transition = true;
            result = "raised";
            raiseOutcomes(c, k, ctx);
        } else if (st.active && clears) {
            st.active = false;
            transition = true;
            result = "cleared";
            clearOutcomes(c, k, ctx);
        } else {
            result = note != null ? note : String.valueOf(holds);
            if (st.active && c.writesValue) {
                writeValue(c, k, ctx);
            }
        }
        record(c, k, result, ctx, transition || note != null);
    }

    private void record(Compiled c, Key k, String result, Ctx x, boolean always) {
        if (!always && (c.sampled++ % options.traceEvery()) != 0) {
            return;
        }
        if (c.trace.size() >= options.traceCapacity()) {
            c.trace.pollFirst();
        }
        c.trace.addLast(new TraceEntry(x.t, k.id.value(), c.rule.version(), result, x.values()));
    }

    // ---------------------------------------------------------------- ticks

    /**
     * Lets time pass: evaluates durations, absence and tumbling windows of every rule against each tenant's
     * watermark (the newest event time, advanced by the clock while no data arrives). The node calls it periodically.
     */
    public synchronized void tick() {
        drainSignals();
        Instant wall = clock.instant();
        for (Compiled c : rules.values()) {
            if (!c.timed || !c.rule.enabled()) {
                continue;
            }
            for (Iterator<Map.Entry<Key, EntityState>> it = c.states.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Key, EntityState> e = it.next();
                Key k = e.getKey();
                EntityState st = e.getValue();
                Watermark wm = watermarks.get(k.tenant);
                Instant now = wm == null ? wall : wm.now(wall);
                ctx.reset(k.tenant, c.related ? lookup(k) : null, now, now);
                try {
                    evaluations++;
                    boolean holds = st.cond.tick(ctx);
                    boolean clears = st.clear == null ? !holds : st.clear.tick(ctx) && !holds;
                    if ((!st.active && holds) || (st.active && clears)) {
                        ctx.entity = lookup(k);
                        transition(c, st, k, holds, clears, null);
                    }
                } catch (RuntimeException ex) {
                    problems.accept("rule " + c.rule.id() + " failed on a tick for " + k.id, ex);
                }
            }
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
                        watermarks.computeIfAbsent(tenant, t -> new Watermark()).advance(last, wall);
                    }
                    EntityState st = newState(c, k);
                    ctx.reset(tenant, e, last, last);
                    ctx.seed = true;
                    ctx.observed = observedLast;
                    ctx.changed = e.attributes().keySet();
                    st.cond.event(ctx);
                    if (st.clear != null) {
                        st.clear.event(ctx);
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

    private static final class EntityState {
        final Evaluators.Node cond;
        final Evaluators.@Nullable Node clear;
        boolean active;

        @Nullable
        Instant maxT;

        EntityState(Evaluators.Node cond, Evaluators.@Nullable Node clear) {
            this.cond = cond;
            this.clear = clear;
        }
    }

    private static final class Compiled {
        final Rule rule;
        final Set<String> watched;
        final boolean absence;
        final boolean timed;
        final boolean writesValue;
        final boolean related;
        final Map<Key, EntityState> states = new LinkedHashMap<>();
        final ArrayDeque<TraceEntry> trace;
        long sampled;

        Compiled(Rule rule, int traceCapacity) {
            this.rule = rule;
            List<String> w = new ArrayList<>();
            Evaluators.watched(rule.condition(), w);
            if (rule.clearCondition() != null) {
                Evaluators.watched(rule.clearCondition(), w);
            }
            this.absence = Evaluators.hasAbsence(rule.condition());
            this.watched = absence ? Set.of() : Set.copyOf(w);
            Evaluators.Node probe = Evaluators.build(rule.condition(), rule.grace());
            Evaluators.Node probeClear =
                    rule.clearCondition() == null ? null : Evaluators.build(rule.clearCondition(), rule.grace());
            this.related = Evaluators.hasRelated(rule.condition())
                    || (rule.clearCondition() != null && Evaluators.hasRelated(rule.clearCondition()));
            this.timed = related || probe.timed() || (probeClear != null && probeClear.timed());
            boolean wv = false;
            for (Outcome o : rule.outcomes()) {
                wv |= o instanceof Outcome.SetAttribute s && "$value".equals(s.value());
            }
            this.writesValue = wv;
            this.trace = new ArrayDeque<>(Math.min(traceCapacity, 64));
        }

        /** Whether a change of these attributes concerns the rule. */
        boolean relevant(Set<String> changed) {
            if (watched.isEmpty()) {
                // absence: any reading counts, but not the device state the ingest writes when it goes offline
                return !(changed.size() == 1 && changed.contains(DEVICE_STATE));
            }
            for (String w : watched) {
                if (changed.contains(w)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A tenant's event-time watermark, advanced by the clock while idle. */
    private static final class Watermark {
        private @Nullable Instant eventMax;
        private Instant anchor = Instant.EPOCH;

        void advance(Instant t, Instant wall) {
            if (eventMax == null || t.isAfter(eventMax)) {
                eventMax = t;
                anchor = wall;
            }
        }

        Instant now(Instant wall) {
            if (eventMax == null) {
                return wall;
            }
            Duration idle = Duration.between(anchor, wall);
            return idle.isNegative() ? eventMax : eventMax.plus(idle);
        }
    }
}
