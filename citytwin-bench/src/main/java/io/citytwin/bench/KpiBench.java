package io.citytwin.bench;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.InProcessEventLog;
import io.citytwin.kpi.KpiService;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The KPI consumer's throughput in events per second: batches of {@value #BATCH} sensor readings (half lamps, 30 %
 * detectors with a downstream neighbour, 10 % air stations, 10 % energy meters, each a fresh reading) appended to an
 * event log the {@link KpiService} consumes, including its derived-attribute writes to an in-memory twin. Each
 * operation is one event; the op waits until the service has processed its batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class KpiBench {
    static final int BATCH = 10_000;
    static final TenantId T = TenantId.DEFAULT;

    /** Sensor entities in the twin. */
    @Param({"20000"})
    public int things;

    private Twin twin;
    private InProcessEventLog log;
    private KpiService kpi;
    private Entity[] templates;
    private String[] reading;
    private Instant clock = Instant.parse("2026-11-21T00:00:00Z");
    private int next;

    static String n(String term) {
        return Ngsi.DEFAULT_VOCAB + term;
    }

    /** Creates the things and starts the service. */
    @Setup(Level.Trial)
    public void setUp() {
        twin = new Twin(new InMemoryTwinRepository(), InstantSource.system());
        log = new InProcessEventLog();
        templates = new Entity[things];
        reading = new String[things];
        String district = "urn:ngsi-ld:District:d0";
        twin.create(T, entity(district, "District", Map.of()));
        twin.create(
                T,
                entity(
                        "urn:ngsi-ld:RoadSegment:r0",
                        "RoadSegment",
                        Map.of(
                                "length", Attribute.property(500.0),
                                "maximumAllowedSpeed", Attribute.property(50L))));
        List<Entity> batch = new ArrayList<>();
        for (int i = 0; i < things; i++) {
            int kind = i % 10;
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            attrs.put("refDistrict", Attribute.relationship(district));
            String type;
            if (kind < 5) {
                type = "Streetlight";
                attrs.put("ratedPower", Attribute.property(60L));
                reading[i] = "powerConsumption";
            } else if (kind < 8) {
                type = "TrafficFlowObserved";
                attrs.put("refRoadSegment", Attribute.relationship("urn:ngsi-ld:RoadSegment:r0"));
                if (i + 1 < things && (i + 1) % 10 < 8 && (i + 1) % 10 >= 5) {
                    attrs.put("refDownstream", Attribute.relationship("urn:ngsi-ld:TrafficFlowObserved:x" + (i + 1)));
                }
                reading[i] = "occupancy";
            } else if (kind == 8) {
                type = "AirQualityObserved";
                reading[i] = "pm25";
            } else {
                type = "EnergyMeter";
                reading[i] = "activePower";
            }
            String id = "urn:ngsi-ld:" + type + ":x" + i;
            templates[i] = entity(id, type, attrs);
            batch.add(templates[i]);
            if (batch.size() == 1_000) {
                twin.batchCreate(T, batch);
                batch.clear();
            }
        }
        twin.batchCreate(T, batch);
        for (int i = 0; i < things; i++) {
            templates[i] = twin.get(T, templates[i].id());
        }
        kpi = KpiService.builder().twin(twin).log(log).timer(false).build().start(0);
    }

    private static Entity entity(String id, String type, Map<String, Attribute> attrs) {
        Map<String, List<Attribute>> m = new LinkedHashMap<>();
        attrs.forEach((k, v) -> m.put(n(k), List.of(v)));
        return new Entity(EntityId.of(id), List.of(n(type)), m, null, null);
    }

    /** One batch of fresh readings through the consumer. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long events() {
        List<ChangeEvent> events = new ArrayList<>(BATCH);
        for (int k = 0; k < BATCH; k++) {
            int i = next++ % things;
            if (i == 0) {
                clock = clock.plusSeconds(60);
            }
            Entity before = templates[i];
            String name = n(reading[i]);
            double v = reading[i].equals("occupancy") ? 0.05 + 0.5 * ((i * 7 + next) % 10) / 10.0 : 10 + (next % 40);
            Attribute a =
                    new Attribute(AttributeKind.PROPERTY, v, null, clock.plusMillis(i), null, Map.of(), clock, clock);
            Entity after = before.withAttribute(name, List.of(a));
            events.add(new ChangeEvent(T, before.id(), ChangeKind.UPDATED, before, after, Set.of(name), clock));
        }
        log.append(events);
        kpi.flush();
        return kpi.eventsProcessed();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kpi.close();
        log.close();
    }
}
