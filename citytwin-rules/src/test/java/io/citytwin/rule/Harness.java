package io.citytwin.rule;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmPage;
import io.citytwin.alarm.AlarmQuery;
import io.citytwin.alarm.AlarmService;
import io.citytwin.alarm.AlarmState;
import io.citytwin.alarm.InMemoryAlarmStore;
import io.citytwin.event.ChangeEvent;
import io.citytwin.event.EventLog;
import io.citytwin.event.InProcessEventLog;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinRepository;
import io.citytwin.twin.geo.GeoJson;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A twin in memory whose change events the test pumps into a {@link RuleEngine} synchronously, with a clock the test
 * moves: every condition can be driven step by step.
 */
final class Harness {
    static final TenantId T = TenantId.DEFAULT;
    static final String V = Ngsi.DEFAULT_VOCAB;

    final Clock clock = new Clock(Instant.parse("2026-03-02T10:00:00Z"));
    final Repo repo = new Repo(clock);
    final Twin twin = new Twin(repo, clock);
    final InMemoryAlarmStore store = new InMemoryAlarmStore();
    final List<String> problems = new ArrayList<>();
    final AlarmService alarms = new AlarmService(store, twin, clock, (m, e) -> problems.add(m + " " + e));
    final RuleEngine engine;

    Harness() {
        this(new RuleEngine.Options(100, 1));
    }

    Harness(RuleEngine.Options options) {
        engine = new RuleEngine(null, twin, alarms, clock, options, (m, e) -> problems.add(m + " " + e));
    }

    /** A mutable clock. */
    static final class Clock implements InstantSource {
        private final AtomicReference<Instant> now;

        Clock(Instant start) {
            now = new AtomicReference<>(start);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        void set(Instant t) {
            now.set(t);
        }
    }

    /** A repository that only collects the events; the twin keeps the state. */
    static final class Repo implements TwinRepository {
        private final InstantSource clock;
        private final InProcessEventLog log = new InProcessEventLog();
        final List<ChangeEvent> pending = new ArrayList<>();

        Repo(InstantSource clock) {
            this.clock = clock;
        }

        @Override
        public synchronized CompletableFuture<Void> write(List<Mutation> mutations) {
            for (Mutation m : mutations) {
                pending.add(m.eventOr(clock.instant()));
            }
            return CompletableFuture.completedFuture(null);
        }

        synchronized List<ChangeEvent> drain() {
            List<ChangeEvent> out = new ArrayList<>(pending);
            pending.clear();
            return out;
        }

        @Override
        public EventLog events() {
            return log;
        }

        @Override
        public void load(BiConsumer<TenantId, Entity> sink) {}

        @Override
        public Set<TenantId> tenants() {
            return Set.of(T);
        }

        @Override
        public void close() {
            log.close();
        }
    }

    Rule rule(Map<String, Object> tree) {
        Rule r = RuleParser.parse(tree, "test");
        engine.put(r);
        return r;
    }

    /** Creates an entity with relationships / properties given as name, value pairs (values starting urn: are links). */
    void create(String id, String type, Object... kv) {
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            String name = (String) kv[i];
            Object v = kv[i + 1];
            Attribute a;
            if (name.equals("location")) {
                a = Attribute.geo(GeoJson.parse(v));
                attrs.put(Ngsi.LOCATION, List.of(a));
                continue;
            }
            a = v instanceof String s && s.startsWith("urn:") ? Attribute.relationship(s) : Attribute.property(v);
            attrs.put(V + name, List.of(a));
        }
        twin.create(T, new Entity(EntityId.of(id), List.of(V + type), attrs, null, null));
        pump();
    }

    /** Sets readings observed at the clock's time and pumps the events through the engine. */
    void set(String id, Object... kv) {
        setAt(clock.instant(), id, kv);
    }

    void setAt(Instant observedAt, String id, Object... kv) {
        stage(observedAt, id, kv);
        pump();
    }

    /** Writes readings observed at {@code observedAt} to the twin without pumping their events (see {@link #pump}). */
    void stage(Instant observedAt, String id, Object... kv) {
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            attrs.put(V + kv[i], List.of(Attribute.property(kv[i + 1]).withObservedAt(observedAt)));
        }
        twin.appendAttributes(T, EntityId.of(id), attrs, false);
    }

    void pump() {
        engine.process(repo.drain());
    }

    void tick() {
        engine.tick();
        pump();
    }

    List<Alarm> open() {
        return alarms.query(T, AlarmQuery.OPEN).alarms();
    }

    List<Alarm> all() {
        AlarmPage p = alarms.query(
                T,
                new AlarmQuery(
                        EnumSet.allOf(AlarmState.class), Set.of(), Set.of(), Set.of(), null, null, null, 1000, 0));
        return p.alarms();
    }

    static Map<String, Object> m(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }

    static List<Object> l(Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    /** A rule on one type with one alarm outcome. */
    static Map<String, Object> alarmRule(String id, String type, Map<String, Object> when, Object... extra) {
        Map<String, Object> r = m(
                "id",
                id,
                "scope",
                m("types", l(type)),
                "when",
                when,
                "then",
                l(m("alarm", m("type", "test." + id.replace('.', '-'), "severity", "major"))));
        for (int i = 0; i < extra.length; i += 2) {
            r.put((String) extra[i], extra[i + 1]);
        }
        return r;
    }

    static Map<String, Object> point(double lon, double lat) {
        return m("type", "Point", "coordinates", l(lon, lat));
    }
}
