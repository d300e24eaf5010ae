package io.citytwin.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryEntity;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the {@link HistoryStore} port, run against every adapter: subclass it in the adapter's tests and
 * implement {@link #open(Path)}. Each test gets a fresh directory.
 *
 * <p>Adapters that do not survive a restart (the in-memory fake) override {@link #durable()} to return false; the
 * tests then go on with the same instance where a durable adapter is closed and reopened.
 */
public abstract class HistoryStoreContract {
    private static final TenantId CITY_A = new TenantId("city-a");
    private static final TenantId CITY_B = new TenantId("city-b");
    private static final EntityId LAMP = EntityId.of("urn:ngsi-ld:Streetlight:1");
    private static final EntityId LAMP_2 = EntityId.of("urn:ngsi-ld:Streetlight:2");
    private static final String STREETLIGHT = Fixtures.term("Streetlight");
    private static final String SENSOR = Fixtures.term("Sensor");
    private static final String TEMPERATURE = Fixtures.term("temperature");
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant EPOCH = Instant.EPOCH;
    private static final Instant FAR = Instant.parse("3000-01-01T00:00:00Z");

    /** A fresh directory for this test; {@link #open(Path)} is given it. */
    @TempDir
    protected Path dir;

    /** Opens the store kept in {@code dir}; opening it again after close must see the same data. */
    protected abstract HistoryStore open(Path dir);

    /** Whether the adapter keeps its data across {@link HistoryStore#close()} and {@link #open(Path)}. */
    protected boolean durable() {
        return true;
    }

    @Test
    void append_everyAttributeKind_readsBackExactly() {
        Instant created = Instant.parse("2026-02-01T10:00:00.5Z");
        Instant modified = Instant.parse("2026-03-02T11:22:33.000000001Z");
        Entity lamp =
                Fixtures.withSystemTimes(Fixtures.streetlight(LAMP.value(), 13.404954, 52.520008), created, modified);
        List<AttributeRecord> records = new ArrayList<>();
        for (Map.Entry<String, List<Attribute>> e : lamp.attributes().entrySet()) {
            for (Attribute a : e.getValue()) {
                records.add(AttributeRecord.of(
                        new SeriesKey(CITY_A, LAMP, e.getKey(), a.datasetId()), STREETLIGHT, modified, a));
            }
        }
        HistoryStore store = open(dir);
        store.append(records).join();
        store = reopen(store);
        try {
            for (AttributeRecord r : records) {
                List<AttributeRecord> got = store.read(r.key(), EPOCH, FAR, 0);
                assertThat(got).as("%s", r.key()).hasSize(1);
                assertSameRecord(got.get(0), r);
            }
            assertThat(store.series(CITY_A, LAMP))
                    .containsExactlyInAnyOrderElementsOf(
                            records.stream().map(AttributeRecord::key).toList());
        } finally {
            store.close();
        }
    }

    @Test
    void append_withoutObservedAt_usesModifiedAtAsTime() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        Instant modified = T0.plusSeconds(90);
        AttributeRecord r = AttributeRecord.of(key, STREETLIGHT, modified, Attribute.property(1L));
        assertThat(r.observedAt()).isEqualTo(modified);
        try (HistoryStore store = open(dir)) {
            store.append(List.of(r)).join();
            assertThat(store.read(key, modified, modified.plusNanos(1), 0)).containsExactly(r);
        }
    }

    @Test
    void append_outOfOrderOverSeveralDays_readsBackInTimeOrder() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        List<AttributeRecord> all = new ArrayList<>();
        for (int i = 0; i < 24 * 5; i++) {
            all.add(reading(
                    key, STREETLIGHT, T0.plus(Duration.ofMinutes(61L * i)).plusNanos(i), i));
        }
        List<AttributeRecord> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(42));
        HistoryStore store = open(dir);
        store.append(shuffled.subList(0, 40)).join();
        store = reopen(store); // the first part is settled (packed) before the late data arrives
        try {
            for (int from = 40; from < shuffled.size(); from += 10) {
                store.append(shuffled.subList(from, Math.min(shuffled.size(), from + 10)))
                        .join();
            }
            assertThat(store.read(key, EPOCH, FAR, 0)).containsExactlyElementsOf(all);
            store = reopen(store);
            assertThat(store.read(key, EPOCH, FAR, 0)).containsExactlyElementsOf(all);
        } finally {
            store.close();
        }
    }

    @Test
    void append_equalTimes_keepAppendOrder() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        AttributeRecord first = reading(key, STREETLIGHT, T0, 1);
        AttributeRecord second = reading(key, STREETLIGHT, T0, 2);
        AttributeRecord earlier = reading(key, STREETLIGHT, T0.minusSeconds(1), 0);
        HistoryStore store = open(dir);
        store.append(List.of(first)).join();
        store = reopen(store);
        try {
            store.append(List.of(second, earlier)).join();
            assertThat(store.read(key, EPOCH, FAR, 0)).containsExactly(earlier, first, second);
        } finally {
            store.close();
        }
    }

    @Test
    void read_range_isHalfOpenToTheNanosecond() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        List<AttributeRecord> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(reading(key, STREETLIGHT, T0.plusNanos(i), i));
        }
        all.add(reading(key, STREETLIGHT, T0.plus(Duration.ofDays(1)), 10));
        try (HistoryStore store = open(dir)) {
            store.append(all).join();
            assertThat(store.read(key, T0.plusNanos(3), T0.plusNanos(7), 0))
                    .containsExactlyElementsOf(all.subList(3, 7));
            assertThat(store.read(key, T0, T0.plus(Duration.ofDays(1)), 0))
                    .containsExactlyElementsOf(all.subList(0, 10));
            assertThat(store.read(key, T0.plus(Duration.ofDays(1)), FAR, 0)).containsExactly(all.get(10));
            assertThat(store.read(key, T0.plusNanos(10), T0.plus(Duration.ofDays(1)), 0))
                    .isEmpty();
            assertThat(store.read(key, T0.plusNanos(5), T0.plusNanos(5), 0)).isEmpty();
        }
    }

    @Test
    void read_lastN_givesTheLastInTheRangeAscending() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        List<AttributeRecord> all = new ArrayList<>();
        for (int i = 0; i < 3 * 1440; i += 7) {
            all.add(reading(key, STREETLIGHT, T0.plus(Duration.ofMinutes(i)), i));
        }
        HistoryStore store = open(dir);
        store.append(all.subList(0, all.size() / 2)).join();
        store = reopen(store);
        try {
            store.append(all.subList(all.size() / 2, all.size())).join();
            int n = all.size();
            assertThat(store.read(key, EPOCH, FAR, 3)).containsExactlyElementsOf(all.subList(n - 3, n));
            assertThat(store.read(key, EPOCH, FAR, 300)).containsExactlyElementsOf(all.subList(n - 300, n));
            assertThat(store.read(key, EPOCH, FAR, n + 5)).containsExactlyElementsOf(all);
            Instant to = all.get(100).observedAt();
            assertThat(store.read(key, EPOCH, to, 2)).containsExactlyElementsOf(all.subList(98, 100));
            assertThat(store.read(key, EPOCH, T0, 2)).isEmpty();
        } finally {
            store.close();
        }
    }

    @Test
    void series_areIsolatedByTenantEntityAttributeAndDataset() {
        SeriesKey base = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        SeriesKey otherTenant = SeriesKey.of(CITY_B, LAMP, TEMPERATURE);
        SeriesKey otherEntity = SeriesKey.of(CITY_A, LAMP_2, TEMPERATURE);
        SeriesKey otherAttribute = SeriesKey.of(CITY_A, LAMP, Fixtures.term("humidity"));
        SeriesKey dataset = new SeriesKey(CITY_A, LAMP, TEMPERATURE, "urn:ngsi-ld:Dataset:a");
        List<SeriesKey> keys = List.of(base, otherTenant, otherEntity, otherAttribute, dataset);
        List<AttributeRecord> records = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            records.add(reading(keys.get(i), STREETLIGHT, T0, i));
        }
        try (HistoryStore store = open(dir)) {
            store.append(records).join();
            for (int i = 0; i < keys.size(); i++) {
                assertThat(store.read(keys.get(i), EPOCH, FAR, 0)).containsExactly(records.get(i));
            }
            assertThat(store.series(CITY_A, LAMP)).containsExactlyInAnyOrder(base, otherAttribute, dataset);
            assertThat(store.series(CITY_B, LAMP)).containsExactly(otherTenant);
            assertThat(store.series(CITY_B, LAMP_2)).isEmpty();
            assertThat(store.read(SeriesKey.of(CITY_B, LAMP_2, TEMPERATURE), EPOCH, FAR, 0))
                    .isEmpty();
        }
    }

    @Test
    void deleteBefore_removesOnlyOlderRecordsOfTheTenantAndType() {
        SeriesKey lampA = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        SeriesKey sensorA = SeriesKey.of(CITY_A, LAMP_2, TEMPERATURE);
        SeriesKey lampB = SeriesKey.of(CITY_B, LAMP, TEMPERATURE);
        List<AttributeRecord> records = new ArrayList<>();
        for (int i = 0; i < 4 * 24; i++) {
            Instant t = T0.plus(Duration.ofHours(i));
            records.add(reading(lampA, STREETLIGHT, t, i));
            records.add(reading(sensorA, SENSOR, t, i));
            records.add(reading(lampB, STREETLIGHT, t, i));
        }
        Instant cutoff = T0.plus(Duration.ofHours(50)).plusNanos(1);
        HistoryStore store = open(dir);
        store.append(records).join();
        store = reopen(store);
        try {
            assertThat(store.deleteBefore(CITY_A, STREETLIGHT, cutoff)).isEqualTo(51);
            assertThat(store.read(lampA, EPOCH, FAR, 0)).hasSize(96 - 51).allSatisfy(r -> assertThat(r.observedAt())
                    .isAfterOrEqualTo(cutoff));
            assertThat(store.read(sensorA, EPOCH, FAR, 0)).hasSize(96);
            assertThat(store.read(lampB, EPOCH, FAR, 0)).hasSize(96);

            assertThat(store.deleteBefore(CITY_A, null, cutoff)).isEqualTo(51);
            assertThat(store.read(sensorA, EPOCH, FAR, 0)).hasSize(96 - 51);
            assertThat(store.read(lampB, EPOCH, FAR, 0)).hasSize(96);

            assertThat(store.deleteBefore(CITY_B, null, FAR)).isEqualTo(96);
            assertThat(store.series(CITY_B, LAMP)).isEmpty();
            store = reopen(store);
            assertThat(store.read(lampA, EPOCH, FAR, 0)).hasSize(96 - 51);
            assertThat(store.read(lampB, EPOCH, FAR, 0)).isEmpty();
        } finally {
            store.close();
        }
    }

    @Test
    void concurrentAppends_10000From32Threads_areAllReadable() throws Exception {
        int threads = 32;
        int perThread = 10_000 / threads + 1;
        HistoryStore store = open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    SeriesKey key = SeriesKey.of(CITY_A, EntityId.of("urn:ngsi-ld:Device:" + thread), TEMPERATURE);
                    List<CompletableFuture<Void>> acks = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        acks.add(store.append(List.of(reading(key, SENSOR, T0.plusSeconds(60L * i), i))));
                    }
                    acks.forEach(CompletableFuture::join);
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        HistoryStore reopened = reopen(store);
        try {
            for (int t = 0; t < threads; t++) {
                SeriesKey key = SeriesKey.of(CITY_A, EntityId.of("urn:ngsi-ld:Device:" + t), TEMPERATURE);
                List<AttributeRecord> got = reopened.read(key, EPOCH, FAR, 0);
                assertThat(got).hasSize(perThread);
                for (int i = 0; i < perThread; i++) {
                    assertThat(got.get(i).instance().value()).isEqualTo((long) i);
                }
            }
        } finally {
            reopened.close();
        }
    }

    @Test
    void readFirst_givesTheFirstInTheRange_acrossChunksAndLateData() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        List<AttributeRecord> all = new ArrayList<>();
        for (int i = 0; i < 24 * 4; i++) {
            all.add(reading(key, STREETLIGHT, T0.plus(Duration.ofMinutes(60L * i + 1)), i));
        }
        HistoryStore store = open(dir);
        store.append(all.subList(10, all.size())).join();
        store = reopen(store);
        store.append(all.subList(0, 10)).join(); // late data, in recent while the later days are chunks
        try {
            assertThat(store.readFirst(key, EPOCH, FAR, 5)).containsExactlyElementsOf(all.subList(0, 5));
            assertThat(store.readFirst(key, EPOCH, FAR, 30)).containsExactlyElementsOf(all.subList(0, 30));
            Instant from = all.get(40).observedAt();
            assertThat(store.readFirst(key, from, FAR, 3)).containsExactlyElementsOf(all.subList(40, 43));
            assertThat(store.readFirst(key, from, all.get(41).observedAt(), 3)).containsExactly(all.get(40));
            assertThat(store.readFirst(key, EPOCH, FAR, 0)).containsExactlyElementsOf(all);
        } finally {
            store.close();
        }
    }

    @Test
    void scanValues_givesTimesAndValuesOfTheRange_inOrder() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        List<AttributeRecord> all = new ArrayList<>();
        for (int i = 0; i < 24 * 3; i++) {
            all.add(reading(
                    key, STREETLIGHT, T0.plus(Duration.ofMinutes(60L * i + 7)).plusNanos(i), i));
        }
        HistoryStore store = open(dir);
        store.append(all.subList(0, 50)).join();
        store = reopen(store);
        store.append(all.subList(50, all.size())).join();
        try {
            Instant from = all.get(3).observedAt();
            Instant to = all.get(60).observedAt();
            List<Object[]> got = new ArrayList<>();
            store.scanValues(key, from, to, (t, v) -> got.add(new Object[] {t, v}));
            assertThat(got).hasSize(57);
            for (int i = 0; i < got.size(); i++) {
                assertThat(got.get(i)[0]).isEqualTo(all.get(i + 3).observedAt());
                assertThat(got.get(i)[1]).isEqualTo((long) (i + 3));
            }
            List<AttributeRecord> last = store.read(key, EPOCH, FAR, 30);
            assertThat(last).containsExactlyElementsOf(all.subList(all.size() - 30, all.size()));
        } finally {
            store.close();
        }
    }

    @Test
    void entities_indexBySeries_tenantTypeAndId_onlyWithRecords() {
        EntityId sensor = EntityId.of("urn:ngsi-ld:Sensor:9");
        try (HistoryStore store = open(dir)) {
            store.append(List.of(
                            reading(SeriesKey.of(CITY_A, LAMP_2, TEMPERATURE), STREETLIGHT, T0, 1),
                            reading(SeriesKey.of(CITY_A, LAMP, TEMPERATURE), STREETLIGHT, T0, 1),
                            reading(new SeriesKey(CITY_A, LAMP, TEMPERATURE, "urn:ds:1"), STREETLIGHT, T0, 1),
                            reading(SeriesKey.of(CITY_A, sensor, TEMPERATURE), SENSOR, T0, 1),
                            reading(SeriesKey.of(CITY_B, LAMP, TEMPERATURE), STREETLIGHT, T0, 1)))
                    .join();
            assertThat(store.entities(CITY_A, null))
                    .containsExactly(
                            new HistoryEntity(sensor, SENSOR),
                            new HistoryEntity(LAMP, STREETLIGHT),
                            new HistoryEntity(LAMP_2, STREETLIGHT));
            assertThat(store.entities(CITY_A, Set.of(STREETLIGHT)))
                    .extracting(HistoryEntity::id)
                    .containsExactly(LAMP, LAMP_2);
            assertThat(store.entities(CITY_A, Set.of(SENSOR, "urn:none")))
                    .extracting(HistoryEntity::id)
                    .containsExactly(sensor);
            assertThat(store.entities(CITY_B, null)).containsExactly(new HistoryEntity(LAMP, STREETLIGHT));
            assertThat(store.entities(new TenantId("nobody"), null)).isEmpty();
            store.deleteBefore(CITY_B, null, FAR);
            assertThat(store.entities(CITY_B, null)).as("no records, no entity").isEmpty();
        }
    }

    @Test
    void deleteSeries_andDeleteEntity_removeOnlyTheirHistory() {
        SeriesKey temp = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        SeriesKey tempDs = new SeriesKey(CITY_A, LAMP, TEMPERATURE, "urn:ds:1");
        SeriesKey other = SeriesKey.of(CITY_A, LAMP, Fixtures.term("power"));
        SeriesKey lamp2 = SeriesKey.of(CITY_A, LAMP_2, TEMPERATURE);
        List<AttributeRecord> records = new ArrayList<>();
        for (int i = 0; i < 72; i++) {
            Instant t = T0.plus(Duration.ofHours(i));
            for (SeriesKey k : List.of(temp, tempDs, other, lamp2)) {
                records.add(reading(k, STREETLIGHT, t, i));
            }
        }
        HistoryStore store = open(dir);
        store.append(records).join();
        store = reopen(store);
        try {
            assertThat(store.deleteSeries(tempDs)).isEqualTo(72);
            assertThat(store.read(tempDs, EPOCH, FAR, 0)).isEmpty();
            assertThat(store.read(temp, EPOCH, FAR, 0)).hasSize(72);
            assertThat(store.deleteSeries(tempDs)).isZero();
            assertThat(store.deleteEntity(CITY_A, LAMP)).isEqualTo(144);
            assertThat(store.series(CITY_A, LAMP)).isEmpty();
            assertThat(store.read(lamp2, EPOCH, FAR, 0)).hasSize(72);
            store.append(List.of(reading(temp, STREETLIGHT, T0, 5))).join();
            store = reopen(store);
            assertThat(store.read(temp, EPOCH, FAR, 0)).hasSize(1).as("a deleted series can start again");
            assertThat(store.entities(CITY_A, null))
                    .extracting(HistoryEntity::id)
                    .containsExactly(LAMP, LAMP_2);
        } finally {
            store.close();
        }
    }

    @Test
    void instanceIds_areStable_explicitOnesRoundTrip_andInstancesCanBeReplacedOrDeleted() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        List<AttributeRecord> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            records.add(reading(key, STREETLIGHT, T0.plus(Duration.ofHours(i)), i));
        }
        AttributeRecord explicit = reading(
                        key, STREETLIGHT, T0.plus(Duration.ofHours(5)).plusSeconds(1), 500)
                .withInstanceId("urn:ngsi-ld:my-instance:1");
        records.add(explicit);
        HistoryStore store = open(dir);
        store.append(records).join();
        store = reopen(store); // closed days are packed
        try {
            List<AttributeRecord> all = store.read(key, EPOCH, FAR, 0);
            assertThat(all).hasSize(61);
            assertThat(all.get(6)).isEqualTo(explicit);
            assertThat(all.stream().map(AttributeRecord::instanceId).distinct()).hasSize(61);
            AttributeRecord tenth = all.get(11);
            assertThat(tenth.hasDerivedInstanceId()).isTrue();
            assertThat(store.findInstance(CITY_A, LAMP, TEMPERATURE, tenth.instanceId()))
                    .contains(tenth);
            assertThat(store.findInstance(CITY_A, LAMP, TEMPERATURE, explicit.instanceId()))
                    .contains(explicit);
            assertThat(store.findInstance(CITY_A, LAMP, Fixtures.term("power"), explicit.instanceId()))
                    .isEmpty();

            // replace: same id, new value and time
            Instant newTime = T0.plus(Duration.ofDays(10));
            AttributeRecord replacement =
                    reading(key, STREETLIGHT, newTime, 999).withInstanceId(tenth.instanceId());
            assertThat(store.replaceInstance(CITY_A, LAMP, TEMPERATURE, tenth.instanceId(), replacement))
                    .isTrue();
            assertThat(store.replaceInstance(CITY_A, LAMP, TEMPERATURE, "urn:ngsi-ld:none", replacement))
                    .isFalse();
            store = reopen(store);
            List<AttributeRecord> after = store.read(key, EPOCH, FAR, 0);
            assertThat(after).hasSize(61);
            assertThat(after.get(60)).isEqualTo(replacement);
            assertThat(after).doesNotContain(tenth);

            assertThat(store.deleteInstance(CITY_A, LAMP, TEMPERATURE, explicit.instanceId()))
                    .isTrue();
            assertThat(store.deleteInstance(CITY_A, LAMP, TEMPERATURE, explicit.instanceId()))
                    .isFalse();
            assertThat(store.deleteInstance(CITY_A, LAMP, TEMPERATURE, replacement.instanceId()))
                    .isTrue();
            store = reopen(store);
            assertThat(store.read(key, EPOCH, FAR, 0)).hasSize(59).doesNotContain(explicit, replacement);
        } finally {
            store.close();
        }
    }

    @Test
    void replaceRange_replacesExactlyTheRange_acrossChunksAndRecent() {
        SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        SeriesKey other = SeriesKey.of(CITY_A, LAMP_2, TEMPERATURE);
        List<AttributeRecord> all = new ArrayList<>();
        for (int i = 0; i < 24 * 4; i++) {
            all.add(reading(key, STREETLIGHT, T0.plus(Duration.ofHours(i)), i));
            all.add(reading(other, STREETLIGHT, T0.plus(Duration.ofHours(i)), i));
        }
        HistoryStore store = open(dir);
        store.append(all).join();
        store = reopen(store);
        try {
            Instant from = T0.plus(Duration.ofHours(10));
            Instant to = T0.plus(Duration.ofHours(60));
            AttributeRecord one = reading(key, STREETLIGHT, from.plusSeconds(5), 1000);
            assertThat(store.replaceRange(key, from, to, List.of(one))).isEqualTo(50);
            store = reopen(store);
            List<AttributeRecord> got = store.read(key, EPOCH, FAR, 0);
            assertThat(got).hasSize(96 - 50 + 1);
            assertThat(got.get(10)).isEqualTo(one);
            assertThat(got.get(11).instance().value()).isEqualTo(60L);
            assertThat(store.read(other, EPOCH, FAR, 0)).hasSize(96);
        } finally {
            store.close();
        }
    }

    @Test
    void retentionPolicy_andDownsampling_runAgainstTheStore() {
        SeriesKey lamp = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
        SeriesKey text = SeriesKey.of(CITY_A, LAMP, Fixtures.term("status"));
        SeriesKey sensor = SeriesKey.of(CITY_A, LAMP_2, TEMPERATURE);
        List<AttributeRecord> records = new ArrayList<>();
        for (int m = 0; m < 3 * 24 * 60; m += 10) { // 3 days, every 10 minutes
            Instant t = T0.plus(Duration.ofMinutes(m));
            records.add(reading(lamp, STREETLIGHT, t, m % 60)); // 0,10,...,50 each hour: avg 25
            records.add(reading(sensor, SENSOR, t, 7));
            if (m % 60 == 0) {
                records.add(AttributeRecord.of(
                        text,
                        STREETLIGHT,
                        t,
                        new Attribute(AttributeKind.PROPERTY, "ok", null, t, null, Map.of(), t, t)));
            }
        }
        HistoryStore store = open(dir);
        store.append(records).join();
        store = reopen(store);
        try {
            Instant now = T0.plus(Duration.ofDays(3));
            io.citytwin.history.Downsampling down =
                    new io.citytwin.history.Downsampling(List.of(new io.citytwin.history.Downsampling.Rule(
                            CITY_A, STREETLIGHT, Duration.ofDays(1), Duration.ofHours(1))));
            long saved = down.apply(store, now);
            assertThat(saved).isEqualTo(48L * 6 - 48);
            List<AttributeRecord> got = store.read(lamp, EPOCH, FAR, 0);
            assertThat(got).hasSize(48 + 24 * 6);
            AttributeRecord first = got.get(0);
            assertThat(first.observedAt()).isEqualTo(T0);
            assertThat(first.instance().value()).isEqualTo(25.0);
            assertThat(first.instance()
                            .subAttributes()
                            .get(io.citytwin.history.Downsampling.DOWNSAMPLED)
                            .value())
                    .isEqualTo("PT1H");
            assertThat(got.get(48).instance().subAttributes())
                    .doesNotContainKey(io.citytwin.history.Downsampling.DOWNSAMPLED);
            assertThat(store.read(text, EPOCH, FAR, 0)).as("text is kept").hasSize(72);
            assertThat(store.read(sensor, EPOCH, FAR, 0))
                    .as("other type untouched")
                    .hasSize(3 * 24 * 6);
            assertThat(new io.citytwin.history.Downsampling(down.rules()).apply(store, now))
                    .as("idempotent")
                    .isZero();

            io.citytwin.history.store.RetentionPolicy keepTwoDays = new io.citytwin.history.store.RetentionPolicy(
                    List.of(new io.citytwin.history.store.RetentionPolicy.Rule(CITY_A, null, Duration.ofDays(2))));
            assertThat(keepTwoDays.apply(store, now)).isEqualTo(24 + 24 + 24 * 6);
            store = reopen(store);
            assertThat(store.read(lamp, EPOCH, FAR, 0)).hasSize(24 + 24 * 6);
            assertThat(store.read(sensor, EPOCH, FAR, 0)).hasSize(2 * 24 * 6);
        } finally {
            store.close();
        }
    }

    @Test
    void logOffset_isRecordedWithTheRecords_neverGoesBack_andSurvivesReopen() {
        HistoryStore store = open(dir);
        try {
            assertThat(store.logOffset()).isEmpty();
            SeriesKey key = SeriesKey.of(CITY_A, LAMP, TEMPERATURE);
            store.append(List.of(reading(key, SENSOR, T0, 1)), 5).join();
            assertThat(store.logOffset()).hasValue(5);
            store.append(List.of(reading(key, SENSOR, T0.plusSeconds(60), 2))).join(); // no offset: unchanged
            assertThat(store.logOffset()).hasValue(5);
            store.append(List.of(reading(key, SENSOR, T0.plusSeconds(120), 3)), 3)
                    .join(); // lower: ignored
            assertThat(store.logOffset()).hasValue(5);
            store.append(List.of(), 9).join(); // a batch of events without records still moves the offset
            assertThat(store.logOffset()).hasValue(9);
            store = reopen(store);
            assertThat(store.logOffset()).hasValue(9);
            assertThat(store.read(key, EPOCH, FAR, 0)).hasSize(3);
            HistoryStore s = store;
            assertThatThrownBy(() -> s.append(List.of(), -1)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            store.close();
        }
    }

    @Test
    void append_afterClose_fails() {
        HistoryStore store = open(dir);
        store.close();
        store.close(); // idempotent
        CompletableFuture<Void> f =
                store.append(List.of(reading(SeriesKey.of(CITY_A, LAMP, TEMPERATURE), SENSOR, T0, 1)));
        assertThatThrownBy(f::join).hasCauseInstanceOf(TwinException.class);
    }

    /** A numeric reading of {@code key} observed at {@code t}, stored one second later. */
    protected static AttributeRecord reading(SeriesKey key, String type, Instant t, long value) {
        Attribute a =
                new Attribute(AttributeKind.PROPERTY, value, key.datasetId(), t, "CEL", Map.of(), t, t.plusSeconds(1));
        return AttributeRecord.of(key, type, t.plusSeconds(1), a);
    }

    /** Closes {@code store} and opens it again when the adapter is durable; otherwise returns it as it is. */
    protected HistoryStore reopen(HistoryStore store) {
        if (!durable()) {
            return store;
        }
        store.close();
        return open(dir);
    }

    /**
     * Asserts that {@code actual} equals {@code expected} exactly: record equality and in addition the order of
     * sub-attributes and JSON object members and the Java class of every JSON number.
     */
    public static void assertSameRecord(AttributeRecord actual, AttributeRecord expected) {
        assertThat(actual).isEqualTo(expected);
        assertSameAttribute(
                actual.instance(), expected.instance(), expected.key().attribute());
    }

    private static void assertSameAttribute(Attribute actual, Attribute expected, String path) {
        assertThat(actual).as(path).isEqualTo(expected);
        assertSameJson(actual.value(), expected.value(), path);
        assertThat(actual.subAttributes().keySet())
                .as(path)
                .containsExactlyElementsOf(expected.subAttributes().keySet());
        for (Map.Entry<String, Attribute> e : expected.subAttributes().entrySet()) {
            assertSameAttribute(
                    Objects.requireNonNull(actual.subAttributes().get(e.getKey())),
                    e.getValue(),
                    path + "." + e.getKey());
        }
    }

    private static void assertSameJson(@Nullable Object actual, Object expected, String path) {
        assertThat(actual).as(path).isNotNull();
        if (expected instanceof GeoValue g) {
            GeoValue a = (GeoValue) actual;
            assertThat(a.geoJson()).isEqualTo(g.geoJson());
            assertThat(a.geometry().equalsExact(g.geometry())).as(path).isTrue();
        } else if (expected instanceof Map<?, ?> m) {
            Map<?, ?> am = (Map<?, ?>) Objects.requireNonNull(actual);
            assertThat(new ArrayList<Object>(am.keySet()))
                    .as(path)
                    .containsExactlyElementsOf(new ArrayList<Object>(m.keySet()));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                assertSameJson(am.get(e.getKey()), e.getValue(), path + "." + e.getKey());
            }
        } else if (expected instanceof List<?> l) {
            Iterator<?> it = ((List<?>) Objects.requireNonNull(actual)).iterator();
            for (Object o : l) {
                assertThat(it.hasNext()).as(path).isTrue();
                assertSameJson(it.next(), o, path + "[]");
            }
            assertThat(it.hasNext()).as(path).isFalse();
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
            assertThat(Objects.requireNonNull(actual).getClass()).as(path).isEqualTo(expected.getClass());
        }
    }
}
