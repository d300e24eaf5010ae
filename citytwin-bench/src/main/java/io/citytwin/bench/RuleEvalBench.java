package io.citytwin.bench;

import io.citytwin.alarm.AlarmService;
import io.citytwin.alarm.InMemoryAlarmStore;
import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.rule.RuleEngine;
import io.citytwin.rule.RuleParser;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/*
 * Rule evaluation throughput on one core (the engine's consumer thread): `rules` active rules spread over 100 entity
 * types (so each change meets rules/100 candidates, as a city's packs do), a mix of thresholds with hysteresis,
 * cross-attribute comparisons, sliding time windows and durations; 10,000 entities; each operation is one change
 * event of one entity (a new reading observed a second after the previous one). Alarms are rare (values stay mostly
 * normal), so the cost measured is evaluation, not alarm persistence. Events per second per core = the reported ops/s.
 *
 * Two measures (`measure`): `engine`, the engine's own work on a batch built just before it and outside the measured
 * time (in the node the twin's writer builds each entity version and its change event, on its own thread, and the
 * rule engine's thread only consumes them: this is the engine thread's capacity, the "rule evaluation
 * throughput"); and `withEvents`, which also builds each batch's events (a new Entity with two attributes and its
 * ChangeEvent per event) inside the measured time, as this benchmark measured before session 8. The events are new
 * objects each time in both, so no evaluation finds its input cached from a previous one.
 */
/** Rule evaluation: change events per second through a {@link RuleEngine} with many active rules. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class RuleEvalBench {
    private static final int TYPES = 100;
    // -Dbench.entities=N: fewer entities keep every state in the caches (how memory-bound the engine is)
    private static final int ENTITIES = Integer.getInteger("bench.entities", 10_000);
    private static final int BATCH = 1_000;

    /** Active rules. */
    @Param({"1000"})
    public int rules;

    /** {@code engine}: the engine's work only; {@code withEvents}: building each batch's events too. */
    @Param({"engine", "withEvents"})
    public String measure;

    /** The batch the next {@code engine} invocation evaluates, built by {@link #prepare}. */
    private List<ChangeEvent> prepared = List.of();

    private RuleEngine engine;
    private final SplittableRandom random = new SplittableRandom(42);
    private EntityId[] ids;
    private String[] types;
    private final String v = Ngsi.DEFAULT_VOCAB + "v";
    private final String w = Ngsi.DEFAULT_VOCAB + "w";
    private long second = Instant.parse("2026-03-02T00:00:00Z").getEpochSecond();

    @Setup
    public void setup() {
        AlarmService alarms = new AlarmService(new InMemoryAlarmStore(), null, InstantSource.system(), (m, e) -> {});
        // -Dbench.traceEvery=N samples one in N ordinary evaluations into the trace (default: the engine's default)
        RuleEngine.Options options = RuleEngine.Options.DEFAULTS;
        String every = System.getProperty("bench.traceEvery");
        if (every != null) {
            options = new RuleEngine.Options(
                    options.traceCapacity(), Integer.parseInt(every), options.eventTick(), options.maxEventTicks());
        }
        engine = new RuleEngine(null, null, alarms, InstantSource.system(), options, (m, e) -> {});
        for (int i = 0; i < rules; i++) {
            String type = "T" + (i % TYPES);
            Map<String, Object> when =
                    switch (i % 4) {
                        case 0 -> Map.of("attribute", "v", "above", 90, "clear", 80);
                        case 1 ->
                            Map.of(
                                    "compare",
                                    Map.of("left", "v", "op", ">", "right", Map.of("attribute", "w", "times", 3)));
                        case 2 ->
                            Map.of("window", Map.of("attribute", "v", "function", "avg", "size", "PT5M"), "above", 95);
                        default -> Map.of("for", "PT10M", "condition", Map.of("attribute", "v", "below", 1));
                    };
            engine.put(RuleParser.parse(
                    Map.of(
                            "id",
                            "bench.r" + i,
                            "scope",
                            Map.of("types", List.of(type)),
                            "when",
                            when,
                            "then",
                            List.of(Map.of("alarm", Map.of("type", "bench.alarm")))),
                    "bench"));
        }
        ids = new EntityId[ENTITIES];
        types = new String[ENTITIES];
        for (int i = 0; i < ENTITIES; i++) {
            ids[i] = EntityId.of("urn:ngsi-ld:T:" + i);
            types[i] = Ngsi.DEFAULT_VOCAB + "T" + (i % TYPES);
        }
    }

    /**
     * Without JMH, for a shared machine: runs {@code rounds} (default 5) rounds of 5 s and prints events per
     * CPU-second of the evaluating thread (robust to other processes taking the cores, unlike ops/s), of the engine's
     * work alone and with building the events, next to events per wall-clock second of the engine and the GC time.
     * Usage: {@code java -cp citytwin-bench.jar io.citytwin.bench.RuleEvalBench [rounds] [rules]}.
     */
    public static void main(String[] args) {
        RuleEvalBench b = new RuleEvalBench();
        b.rules = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        b.setup();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        for (int r = 0; r < rounds; r++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long gc0 = gcMillis();
            long events = 0;
            long engineCpu = 0;
            long engineWall = 0;
            while (System.nanoTime() - wall0 < 5_000_000_000L) {
                List<ChangeEvent> batch = b.batch();
                long c0 = threads.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                b.engine.process(batch);
                engineWall += System.nanoTime() - w0;
                engineCpu += threads.getCurrentThreadCpuTime() - c0;
                events += BATCH;
            }
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.out.printf(
                    java.util.Locale.ROOT,
                    "round %d: %,d events, engine %,.0f events/CPU-s (%,.0f events/s wall), with building the events"
                            + " %,.0f events/CPU-s, GC %d ms%n",
                    r + 1,
                    events,
                    events / (engineCpu / 1e9),
                    events / (engineWall / 1e9),
                    events / cpu,
                    gcMillis() - gc0);
        }
    }

    private static long gcMillis() {
        long t = 0;
        for (var g : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            t += g.getCollectionTime();
        }
        return t;
    }

    /** Builds the batch of the next {@code engine} invocation (not measured). */
    @Setup(Level.Invocation)
    public void prepare() {
        if (measure.equals("engine")) {
            prepared = batch();
        }
    }

    /** One batch of change events, as the event log delivers them. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void evaluate() {
        engine.process(measure.equals("engine") ? prepared : batch());
    }

    /** The next batch: one new version of a random entity per event, observed a second after the previous one. */
    private List<ChangeEvent> batch() {
        List<ChangeEvent> batch = new ArrayList<>(BATCH);
        for (int k = 0; k < BATCH; k++) {
            int i = random.nextInt(ENTITIES);
            Instant t = Instant.ofEpochSecond(second++);
            double value = 40 + 10 * random.nextDouble() + (random.nextInt(10_000) == 0 ? 60 : 0);
            Entity e = new Entity(
                    ids[i],
                    List.of(types[i]),
                    Map.of(
                            v, List.of(Attribute.property(value).withObservedAt(t)),
                            w, List.of(Attribute.property(20.0).withObservedAt(t))),
                    t,
                    t);
            batch.add(new ChangeEvent(TenantId.DEFAULT, ids[i], ChangeKind.UPDATED, e, e, Set.of(v), t));
        }
        return batch;
    }
}
