package io.citytwin.bench;

import io.citytwin.history.AggregationMethod;
import io.citytwin.history.IsoDuration;
import io.citytwin.history.TimeBuckets;
import io.citytwin.history.sqlite.SqliteHistoryStore;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The history store's targets (issue 3), on the embedded SQLite store in a temporary directory:
 *
 * <ul>
 *   <li>{@link #ingest}: appends of 10,000 attribute instances (one per series over 10,000 fresh series, one
 *       minute apart within one UTC day, as one group commit sees them), each op waiting for durability;
 *       instances/s = ops/s x 10,000. Target >= 100,000/s.
 *   <li>{@link #aggregatedHourly}: 30 days of one-minute data of one attribute (43,200 instances) read and
 *       aggregated into avg and max per hour (720 buckets), the work of {@code
 *       GET /temporal/entities/{id}?aggrMethods=avg,max&aggrPeriodDuration=PT1H} without HTTP. Target p95 < 50 ms.
 *   <li>{@link #lastN100}: the last 100 instances of that attribute. Target p95 < 5 ms.
 * </ul>
 *
 * Both reads run with 10,000 other series in the store (each with a day of 10-minute data, so the store holds
 * about 1.5 M records) and after the store was reopened, so the month is in daily chunks as it would be in a
 * running node (the open day in recent rows).
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 5)
public class HistoryBench {
    static final TenantId CITY = new TenantId("bench");
    static final String TYPE = "https://uri.etsi.org/ngsi-ld/default-context/Sensor";
    static final String ATTR = "https://uri.etsi.org/ngsi-ld/default-context/temperature";
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    static final int SERIES = 10_000;
    static final int MONTH_MINUTES = 30 * 24 * 60;

    private Path dir;
    private SqliteHistoryStore store;
    private SeriesKey target;
    private List<SeriesKey> keys;
    private List<SeriesKey> ingestKeys;
    private long ingestMinute;
    private final Set<AggregationMethod> methods = EnumSet.of(AggregationMethod.AVG, AggregationMethod.MAX);
    private final IsoDuration hour = IsoDuration.parse("PT1H");

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("citytwin-history-bench");
        store = SqliteHistoryStore.open(dir);
        keys = new ArrayList<>(SERIES);
        for (int s = 0; s < SERIES; s++) {
            keys.add(SeriesKey.of(CITY, EntityId.of("urn:ngsi-ld:Sensor:" + s), ATTR));
        }
        target = SeriesKey.of(CITY, EntityId.of("urn:ngsi-ld:Sensor:target"), ATTR);
        // ingest goes to 10,000 series of their own, within one UTC day (no day is closed, nothing to pack)
        ingestKeys = new ArrayList<>(SERIES);
        for (int s = 0; s < SERIES; s++) {
            ingestKeys.add(SeriesKey.of(new TenantId("ingest"), EntityId.of("urn:ngsi-ld:Sensor:" + s), ATTR));
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int m = 0; m < MONTH_MINUTES; m += 1440) {
            List<AttributeRecord> day = new ArrayList<>(1440);
            for (int i = m; i < m + 1440; i++) {
                day.add(reading(target, T0.plusSeconds(60L * i), 20 + (i % 100) / 10.0));
            }
            acks.add(store.append(day));
        }
        Instant day0 = T0.plus(Duration.ofDays(30));
        for (int step = 0; step < 144; step++) {
            List<AttributeRecord> batch = new ArrayList<>(SERIES);
            for (SeriesKey k : keys) {
                batch.add(reading(k, day0.plusSeconds(600L * step), step));
            }
            acks.add(store.append(batch));
        }
        acks.forEach(CompletableFuture::join);
        store.close();
        store = SqliteHistoryStore.open(dir); // packed: closed days are chunks
        ingestMinute = 40L * 24 * 60;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static AttributeRecord reading(SeriesKey key, Instant t, double value) {
        Attribute a = new Attribute(AttributeKind.PROPERTY, value, null, t, "CEL", Map.of(), t, t);
        return AttributeRecord.of(key, TYPE, t, a);
    }

    /** 10,000 instances, one per series, appended and made durable. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void ingest() {
        Instant t = T0.plusSeconds(ingestMinute++); // a second apart: 86,400 ops stay within the day
        List<AttributeRecord> batch = new ArrayList<>(SERIES);
        for (SeriesKey k : ingestKeys) {
            batch.add(reading(k, t, 1.5));
        }
        store.append(batch).join();
    }

    /** avg and max per hour over 30 days of one-minute data. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<TimeBuckets.Bucket> aggregatedHourly() {
        Instant from = T0;
        Instant to = T0.plus(Duration.ofDays(30));
        List<TimeBuckets.Sample> samples = new ArrayList<>(MONTH_MINUTES);
        store.scanValues(target, from, to, (at, v) -> samples.add(new TimeBuckets.Sample(at, v)));
        return TimeBuckets.aggregate(samples, from, to, hour, methods);
    }

    /** The last 100 instances. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<AttributeRecord> lastN100() {
        return store.read(target, Instant.EPOCH, T0.plus(Duration.ofDays(365)), 100);
    }
}
