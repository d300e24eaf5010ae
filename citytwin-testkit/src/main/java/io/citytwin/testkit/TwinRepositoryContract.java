package io.citytwin.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.EventLog;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.TwinRepository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the {@link TwinRepository} port, run against every adapter: subclass it in the adapter's tests
 * and implement {@link #open(Path)}. Each test gets a fresh directory.
 *
 * <p>Adapters that do not survive a restart (the in-memory fake) override {@link #durable()} to return false; the
 * tests then read back from the same instance instead of a reopened one.
 */
public abstract class TwinRepositoryContract {
    private static final TenantId CITY_A = new TenantId("city-a");
    private static final TenantId CITY_B = new TenantId("city-b");
    private static final Instant CREATED = Instant.parse("2026-02-01T10:00:00.5Z");
    private static final Instant MODIFIED = Instant.parse("2026-03-02T11:22:33.000000001Z");

    /** A fresh directory for this test; {@link #open(Path)} is given it. */
    @TempDir
    protected Path dir;

    /** Opens the repository stored in {@code dir}; opening it again after close must see the same data. */
    protected abstract TwinRepository open(Path dir);

    /** Whether the adapter keeps its data across {@link TwinRepository#close()} and {@link #open(Path)}. */
    protected boolean durable() {
        return true;
    }

    @Test
    void write_entityWithEveryAttributeKind_loadsBackExactly() {
        Entity lamp = Fixtures.withSystemTimes(
                Fixtures.streetlight("urn:ngsi-ld:Streetlight:1", 13.404954, 52.520008), CREATED, MODIFIED);
        TwinRepository repo = open(dir);
        repo.write(List.of(new Mutation.Put(CITY_A, lamp))).join();
        repo = reopen(repo);
        try {
            Map<EntityId, Entity> loaded = loadTenant(repo, CITY_A);
            assertThat(loaded).containsOnlyKeys(lamp.id());
            assertSameEntity(loaded.get(lamp.id()), lamp);
        } finally {
            repo.close();
        }
    }

    @Test
    void write_entityWithoutSystemTimes_loadsBackWithoutThem() {
        Entity lamp = Fixtures.streetlight("urn:ngsi-ld:Streetlight:2", -0.0, 90.0);
        TwinRepository repo = open(dir);
        repo.write(List.of(new Mutation.Put(CITY_A, lamp))).join();
        repo = reopen(repo);
        try {
            assertSameEntity(loadTenant(repo, CITY_A).get(lamp.id()), lamp);
        } finally {
            repo.close();
        }
    }

    @Test
    void write_sameEntityRepeatedly_lastWriteWins() {
        String id = "urn:ngsi-ld:Device:lww";
        TwinRepository repo = open(dir);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (long n = 0; n < 200; n++) {
            futures.add(repo.write(List.of(new Mutation.Put(CITY_A, Fixtures.small(id, n)))));
        }
        futures.add(repo.write(List.of(
                new Mutation.Put(CITY_A, Fixtures.small(id, 1000)),
                new Mutation.Remove(CITY_A, EntityId.of(id)),
                new Mutation.Put(CITY_A, Fixtures.small(id, 1001)))));
        futures.add(repo.write(List.of(
                new Mutation.Put(CITY_A, Fixtures.small("urn:ngsi-ld:Device:gone", 1)),
                new Mutation.Remove(CITY_A, EntityId.of("urn:ngsi-ld:Device:gone")))));
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        repo = reopen(repo);
        try {
            Map<EntityId, Entity> loaded = loadTenant(repo, CITY_A);
            assertThat(loaded).containsOnlyKeys(EntityId.of(id));
            assertSameEntity(loaded.get(EntityId.of(id)), Fixtures.small(id, 1001));
        } finally {
            repo.close();
        }
    }

    @Test
    void remove_storedEntity_isGoneAndAbsentRemoveIsNoError() {
        TwinRepository repo = open(dir);
        repo.write(List.of(
                        new Mutation.Put(CITY_A, Fixtures.small("urn:ngsi-ld:Device:1", 1)),
                        new Mutation.Put(CITY_A, Fixtures.small("urn:ngsi-ld:Device:2", 2))))
                .join();
        repo.write(List.of(new Mutation.Remove(CITY_A, EntityId.of("urn:ngsi-ld:Device:1"))))
                .join();
        repo.write(List.of(new Mutation.Remove(CITY_A, EntityId.of("urn:ngsi-ld:Device:never"))))
                .join();
        repo = reopen(repo);
        try {
            assertThat(loadTenant(repo, CITY_A)).containsOnlyKeys(EntityId.of("urn:ngsi-ld:Device:2"));
        } finally {
            repo.close();
        }
    }

    @Test
    void write_sameIdInTwoTenants_keepsThemApartAndListsBoth() {
        String id = "urn:ngsi-ld:Device:shared";
        TwinRepository repo = open(dir);
        repo.write(List.of(
                        new Mutation.Put(CITY_A, Fixtures.small(id, 1)),
                        new Mutation.Put(CITY_B, Fixtures.small(id, 2)),
                        new Mutation.Put(TenantId.DEFAULT, Fixtures.small(id, 3))))
                .join();
        repo.write(List.of(new Mutation.Remove(CITY_B, EntityId.of(id)))).join();
        repo.write(List.of(new Mutation.Put(CITY_B, Fixtures.small(id, 4)))).join();
        repo.write(List.of(new Mutation.Remove(TenantId.DEFAULT, EntityId.of(id))))
                .join();
        repo = reopen(repo);
        try {
            assertThat(repo.tenants()).containsExactlyInAnyOrder(CITY_A, CITY_B, TenantId.DEFAULT);
            assertSameEntity(loadTenant(repo, CITY_A).get(EntityId.of(id)), Fixtures.small(id, 1));
            assertSameEntity(loadTenant(repo, CITY_B).get(EntityId.of(id)), Fixtures.small(id, 4));
            assertThat(loadTenant(repo, TenantId.DEFAULT)).isEmpty();
        } finally {
            repo.close();
        }
    }

    @Test
    void removeAll_entitiesOfTenant_tenantStaysListed() {
        TwinRepository repo = open(dir);
        repo.write(List.of(new Mutation.Put(CITY_B, Fixtures.small("urn:ngsi-ld:Device:1", 1))))
                .join();
        repo.write(List.of(new Mutation.Remove(CITY_B, EntityId.of("urn:ngsi-ld:Device:1"))))
                .join();
        assertThat(repo.tenants()).containsExactly(CITY_B);
        repo = reopen(repo);
        try {
            assertThat(repo.tenants()).containsExactly(CITY_B);
            assertThat(loadTenant(repo, CITY_B)).isEmpty();
        } finally {
            repo.close();
        }
    }

    @Test
    void remove_inUnknownTenant_doesNotCreateTenant() {
        try (TwinRepository repo = open(dir)) {
            repo.write(List.of(new Mutation.Remove(CITY_A, EntityId.of("urn:ngsi-ld:Device:1"))))
                    .join();
            repo.write(List.of()).join();
            assertThat(repo.tenants()).isEmpty();
        }
    }

    @Test
    void load_manyTenants_streamsTenantByTenant() {
        List<TenantId> tenants = List.of(CITY_B, TenantId.DEFAULT, CITY_A);
        try (TwinRepository repo = open(dir)) {
            // interleave the tenants so that an adapter only groups them if it means to
            List<Mutation> puts = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                puts.add(new Mutation.Put(tenants.get(i % 3), Fixtures.small("urn:ngsi-ld:Device:" + i, i)));
            }
            repo.write(puts).join();
            List<TenantId> order = new ArrayList<>();
            repo.load((tenant, entity) -> {
                if (order.isEmpty() || !order.get(order.size() - 1).equals(tenant)) {
                    order.add(tenant);
                }
            });
            assertThat(order).containsExactlyInAnyOrderElementsOf(tenants);
        }
    }

    @Test
    void write_10000ConcurrentlyFrom32Threads_allDurableAfterReopen() throws Exception {
        int threads = 32;
        int perThread = 10_000 / threads + 1;
        TwinRepository repo = open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                submitted.add(pool.submit(() -> {
                    List<CompletableFuture<Void>> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        String id = "urn:ngsi-ld:Device:" + thread + "-" + i;
                        mine.add(repo.write(List.of(new Mutation.Put(CITY_A, Fixtures.small(id, i)))));
                    }
                    return mine;
                }));
            }
            for (Future<List<CompletableFuture<Void>>> f : submitted) {
                CompletableFuture.allOf(f.get(60, TimeUnit.SECONDS).toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        TwinRepository reopened = reopen(repo);
        try {
            Map<EntityId, Entity> loaded = loadTenant(reopened, CITY_A);
            assertThat(loaded).hasSize(threads * perThread);
            for (int t = 0; t < threads; t++) {
                String id = "urn:ngsi-ld:Device:" + t + "-" + (perThread - 1);
                assertSameEntity(loaded.get(EntityId.of(id)), Fixtures.small(id, perThread - 1));
            }
        } finally {
            reopened.close();
        }
    }

    @Test
    void write_afterClose_failsWithTwinException() {
        TwinRepository repo = open(dir);
        repo.close();
        repo.close(); // closing twice is harmless
        CompletableFuture<Void> f = repo.write(List.of(new Mutation.Put(CITY_A, Fixtures.small("urn:a:b", 1))));
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(TwinException.class);
    }

    @Test
    void reopen_afterClose_seesEverything() {
        if (!durable()) {
            return; // nothing survives a close of a non-durable adapter; the other tests cover reading back
        }
        TwinRepository repo = open(dir);
        repo.write(List.of(new Mutation.Put(CITY_A, Fixtures.small("urn:ngsi-ld:Device:1", 1))))
                .join();
        repo.close();
        try (TwinRepository second = open(dir)) {
            second.write(List.of(new Mutation.Put(CITY_B, Fixtures.small("urn:ngsi-ld:Device:2", 2))))
                    .join();
        }
        try (TwinRepository third = open(dir)) {
            assertThat(third.tenants()).containsExactlyInAnyOrder(CITY_A, CITY_B);
            assertThat(loadTenant(third, CITY_A)).containsOnlyKeys(EntityId.of("urn:ngsi-ld:Device:1"));
            assertThat(loadTenant(third, CITY_B)).containsOnlyKeys(EntityId.of("urn:ngsi-ld:Device:2"));
        }
    }

    @Test
    void events_onePerMutation_inWriteOrder_withConsecutiveOffsets() throws Exception {
        try (TwinRepository repo = open(dir)) {
            EventLog log = repo.events();
            long start = log.endOffset();
            Entity lamp = Fixtures.small("urn:ngsi-ld:Device:e1", 1);
            ChangeEvent created = new ChangeEvent(
                    CITY_A,
                    lamp.id(),
                    ChangeKind.CREATED,
                    null,
                    lamp,
                    lamp.attributes().keySet(),
                    CREATED);
            repo.write(List.of(Mutation.of(created))).join();
            repo.write(List.of(
                            new Mutation.Put(CITY_A, Fixtures.small("urn:ngsi-ld:Device:e2", 2)),
                            new Mutation.Remove(CITY_A, lamp.id())))
                    .join();
            List<Long> offsets = new CopyOnWriteArrayList<>();
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            try (EventLog.Subscription sub = log.subscribe("contract", start, (first, events) -> {
                for (int i = 0; i < events.size(); i++) {
                    offsets.add(first + i);
                }
                seen.addAll(events);
            })) {
                awaitSize(seen, 3);
                assertThat(sub.position()).isEqualTo(start + 3);
            }
            assertThat(offsets).containsExactly(start, start + 1, start + 2);
            assertThat(log.endOffset()).isEqualTo(start + 3);
            assertThat(seen.get(0).kind()).isEqualTo(ChangeKind.CREATED);
            assertThat(seen.get(0).at()).isEqualTo(CREATED);
            assertSameEntity(seen.get(0).current(), lamp);
            assertThat(seen.get(1).entityId()).isEqualTo(EntityId.of("urn:ngsi-ld:Device:e2"));
            assertThat(seen.get(1).current()).isNotNull();
            assertThat(seen.get(2).kind()).isEqualTo(ChangeKind.DELETED);
            assertThat(seen.get(2).current()).isNull();
        }
    }

    @Test
    void events_notCommittedByAConsumer_areDeliveredAgainAfterReopen() throws Exception {
        if (!durable()) {
            return; // a memory-only log forgets commits with the process
        }
        long committedAt;
        TwinRepository repo = open(dir);
        long start = repo.events().endOffset();
        for (int i = 0; i < 10; i++) {
            repo.write(List.of(new Mutation.Put(CITY_A, Fixtures.small("urn:ngsi-ld:Device:r" + i, i))))
                    .join();
        }
        List<ChangeEvent> first = new CopyOnWriteArrayList<>();
        EventLog.Subscription sub =
                repo.events().subscribe("consumer", start, (offset, events) -> first.addAll(events));
        awaitSize(first, 10);
        committedAt = start + 4; // processed (durably) the first four only
        sub.commit(committedAt);
        sub.commit(start + 2); // lower commits are ignored
        sub.close();
        assertThat(repo.events().committed("consumer")).hasValue(committedAt);
        assertThat(repo.events().committed("stranger")).isEmpty();
        repo.close();

        try (TwinRepository second = open(dir)) {
            EventLog log = second.events();
            assertThat(log.committed("consumer")).hasValue(committedAt);
            assertThat(log.endOffset()).as("offsets are never reused").isEqualTo(start + 10);
            second.write(List.of(new Mutation.Put(CITY_B, Fixtures.small("urn:ngsi-ld:Device:after", 99))))
                    .join();
            List<ChangeEvent> again = new CopyOnWriteArrayList<>();
            List<Long> firstOffsets = new CopyOnWriteArrayList<>();
            try (EventLog.Subscription s2 =
                    log.subscribe("consumer", log.committed("consumer").orElseThrow(), (offset, events) -> {
                        firstOffsets.add(offset);
                        again.addAll(events);
                    })) {
                awaitSize(again, 7);
            }
            assertThat(firstOffsets.get(0)).isEqualTo(committedAt);
            List<String> ids = again.stream().map(e -> e.entityId().value()).toList();
            assertThat(ids)
                    .containsExactly(
                            "urn:ngsi-ld:Device:r4",
                            "urn:ngsi-ld:Device:r5",
                            "urn:ngsi-ld:Device:r6",
                            "urn:ngsi-ld:Device:r7",
                            "urn:ngsi-ld:Device:r8",
                            "urn:ngsi-ld:Device:r9",
                            "urn:ngsi-ld:Device:after");
            assertSameEntity(again.get(0).current(), Fixtures.small("urn:ngsi-ld:Device:r4", 4));
        }
    }

    /** Waits (at most 30 s) until {@code list} has {@code n} elements. */
    protected static void awaitSize(List<?> list, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (list.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(list).hasSize(n);
    }

    /** Closes {@code repo} and opens the same directory again when the adapter is durable; else keeps it. */
    private TwinRepository reopen(TwinRepository repo) {
        if (!durable()) {
            return repo;
        }
        repo.close();
        return open(dir);
    }

    /** Every entity of {@code tenant}, by id, in load order. */
    protected static Map<EntityId, Entity> loadTenant(TwinRepository repo, TenantId tenant) {
        LinkedHashMap<EntityId, Entity> out = new LinkedHashMap<>();
        repo.load((t, e) -> {
            if (t.equals(tenant) && out.put(e.id(), e) != null) {
                fail("Entity " + e.id() + " loaded twice");
            }
        });
        return out;
    }

    /**
     * Asserts that {@code actual} equals {@code expected} exactly: record equality, and in addition the order of
     * attributes, sub-attributes and JSON object members, and the Java class of every JSON number.
     */
    public static void assertSameEntity(Entity actual, Entity expected) {
        assertThat(actual).as("entity %s", expected.id()).isNotNull();
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.types()).containsExactlyElementsOf(expected.types());
        assertThat(actual.attributes().keySet())
                .containsExactlyElementsOf(expected.attributes().keySet());
        for (Map.Entry<String, List<Attribute>> e : expected.attributes().entrySet()) {
            List<Attribute> got = actual.attributes().get(e.getKey());
            for (int i = 0; i < e.getValue().size(); i++) {
                assertSameAttribute(got.get(i), e.getValue().get(i), e.getKey() + "[" + i + "]");
            }
        }
    }

    private static void assertSameAttribute(Attribute actual, Attribute expected, String path) {
        assertThat(actual).as(path).isEqualTo(expected);
        assertSameJson(actual.value(), expected.value(), path);
        assertThat(actual.subAttributes().keySet())
                .as(path)
                .containsExactlyElementsOf(expected.subAttributes().keySet());
        for (Map.Entry<String, Attribute> e : expected.subAttributes().entrySet()) {
            assertSameAttribute(actual.subAttributes().get(e.getKey()), e.getValue(), path + "." + e.getKey());
        }
    }

    private static void assertSameJson(Object actual, Object expected, String path) {
        if (expected instanceof GeoValue g) {
            GeoValue a = (GeoValue) actual;
            assertSameJson(a.geoJson(), g.geoJson(), path + ".geoJson");
            assertThat(a.geometry().equalsExact(g.geometry()))
                    .as(path + ": %s vs %s", a.geometry(), g.geometry())
                    .isTrue();
            assertThat(a.geometry().getGeometryType()).isEqualTo(g.geometry().getGeometryType());
        } else if (expected instanceof Map<?, ?> m) {
            assertThat(actual).as(path).isInstanceOf(Map.class);
            Map<?, ?> am = (Map<?, ?>) actual;
            assertThat(new ArrayList<Object>(am.keySet()))
                    .as(path)
                    .containsExactlyElementsOf(new ArrayList<Object>(m.keySet()));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                assertSameJson(am.get(e.getKey()), e.getValue(), path + "." + e.getKey());
            }
        } else if (expected instanceof List<?> l) {
            assertThat(actual).as(path).isInstanceOf(List.class);
            Iterator<?> it = ((List<?>) actual).iterator();
            int i = 0;
            for (Object o : l) {
                assertThat(it.hasNext()).as(path).isTrue();
                assertSameJson(it.next(), o, path + "[" + i++ + "]");
            }
            assertThat(it.hasNext()).as(path).isFalse();
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
            assertThat(Objects.requireNonNull(actual).getClass()).as(path).isEqualTo(expected.getClass());
        }
    }
}
