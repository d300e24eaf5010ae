package io.citytwin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Json;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A quick figure, not a benchmark (those live in citytwin-bench): 32 writers store 100,000 entities of six
 * attributes, each waiting for its write like an API client does, then the store is reopened and loaded. Startup
 * must load 1,000,000 entities in well under 30 s, so 100,000 must load in well under 3 s; the assertion is looser
 * because the build machines are shared.
 */
class SqliteStartupPerformanceTest {
    private static final int ENTITIES = 100_000;
    private static final int WRITERS = 32;

    @TempDir
    Path dir;

    @Test
    void load_100kEntities_isFastEnoughForAMillionAtStartup() throws Exception {
        long writeNanos;
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = writer; i < ENTITIES; i += WRITERS) {
                        repo.write(List.of(new Mutation.Put(TenantId.DEFAULT, sixAttributes(i))))
                                .join();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            writeNanos = System.nanoTime() - start;
            pool.shutdown();
            System.out.printf(
                    "sqlite write: %,d entities by %d writers in %d ms (%,.0f/s), %d commits, avg batch %.0f%n",
                    ENTITIES,
                    WRITERS,
                    writeNanos / 1_000_000,
                    ENTITIES * 1e9 / writeNanos,
                    repo.commits(),
                    (double) repo.mutationsWritten() / repo.commits());
        }
        long size = Files.size(dir.resolve(SqliteTwinRepository.FILE_NAME));
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            AtomicLong count = new AtomicLong();
            long start = System.nanoTime();
            repo.load((t, e) -> count.incrementAndGet());
            long loadNanos = System.nanoTime() - start;
            System.out.printf(
                    "sqlite load: %,d entities in %d ms (%,.0f/s; 1M extrapolated: %.1f s), file %,d bytes%n",
                    count.get(), loadNanos / 1_000_000, count.get() * 1e9 / loadNanos, loadNanos * 10 / 1e9, size);
            assertThat(count.get()).isEqualTo(ENTITIES);
            assertThat(loadNanos).isLessThan(TimeUnit.SECONDS.toNanos(10));
            // a million entities keep the JIT busy long enough that the warm rate is the one that counts
            start = System.nanoTime();
            repo.load((t, e) -> count.decrementAndGet());
            long warmNanos = System.nanoTime() - start;
            System.out.printf(
                    "sqlite load, warm: %,d entities in %d ms (1M extrapolated: %.1f s)%n",
                    ENTITIES, warmNanos / 1_000_000, warmNanos * 10 / 1e9);
            assertThat(count.get()).isZero();
        }
    }

    /** A typical sensor-like entity: six attributes with observedAt, units, a relationship and a location. */
    static Entity sixAttributes(int i) {
        Instant t = Instant.ofEpochSecond(1_780_000_000L + i, 123_000_000);
        LinkedHashMap<String, List<Attribute>> a = new LinkedHashMap<>();
        a.put(Fixtures.term("powerState"), List.of(prop(i % 2 == 0 ? "on" : "off", t, null)));
        a.put(Fixtures.term("powerConsumption"), List.of(prop(i * 0.1, t, "KWH")));
        a.put(Fixtures.term("illuminanceLevel"), List.of(prop((long) (i % 100), t, null)));
        a.put(
                Fixtures.term("refStreetlightGroup"),
                List.of(Attribute.relationship("urn:ngsi-ld:StreetlightGroup:" + (i / 100))));
        a.put(
                Ngsi.LOCATION,
                List.of(Attribute.geo(Fixtures.point(13.3 + (i % 1000) * 1e-4, 52.4 + (i / 1000) * 1e-4))));
        a.put(
                Fixtures.term("name"),
                List.of(new Attribute(
                        AttributeKind.LANGUAGE_PROPERTY,
                        Json.freeze(Map.of("en", "Lamp " + i)),
                        null,
                        null,
                        null,
                        Map.of(),
                        null,
                        null)));
        Entity e =
                new Entity(EntityId.of("urn:ngsi-ld:Streetlight:" + i), List.of(Fixtures.STREETLIGHT), a, null, null);
        return Fixtures.withSystemTimes(e, t, t);
    }

    private static Attribute prop(Object value, Instant observed, String unit) {
        return new Attribute(AttributeKind.PROPERTY, value, null, observed, unit, Map.of(), null, null);
    }
}
