package io.citytwin.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.EventLog;
import io.citytwin.event.InProcessEventLog;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.geo.GeoJson;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.QueryParser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The twin service: write semantics, system times, events, indexes and failure handling, on a fake clock. */
class TwinTest {
    static final String T = "https://example.org/Streetlight";
    static final String STATUS = "https://example.org/status";
    static final String LEVEL = "https://example.org/level";
    static final TenantId TENANT = TenantId.DEFAULT;

    final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T10:00:00Z"));
    final InMemoryTwinRepository repo = new InMemoryTwinRepository();
    final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    final Twin twin = new Twin(repo, clock);

    {
        repo.events().subscribe("test", 0, (first, batch) -> events.addAll(batch));
    }

    @AfterEach
    void close() {
        repo.close();
    }

    static Entity lamp(String id, String status, long level, double lon, double lat) {
        return new Entity(
                EntityId.of(id),
                List.of(T),
                Map.of(
                        STATUS,
                        List.of(Attribute.property(status)),
                        LEVEL,
                        List.of(Attribute.property(level)),
                        Ngsi.LOCATION,
                        List.of(Attribute.geo(GeoJson.parse(
                                Json.freeze(Map.of("type", "Point", "coordinates", List.of(lon, lat))))))),
                null,
                null);
    }

    private void awaitEvents(int n) throws InterruptedException {
        for (int i = 0; i < 200 && events.size() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(events).hasSize(n);
    }

    @Test
    void create_stampsSystemTimes_andUpdateKeepsCreatedAt() {
        Entity e = twin.create(TENANT, lamp("urn:x:1", "ok", 1, 1, 1));
        assertThat(e.createdAt()).isEqualTo(clock.instant());
        assertThat(e.attribute(STATUS).orElseThrow().createdAt()).isEqualTo(clock.instant());
        Instant created = clock.instant();
        clock.advance(Duration.ofMinutes(5));
        twin.updateAttributes(TENANT, e.id(), Map.of(STATUS, List.of(Attribute.property("failed"))));
        Entity after = twin.get(TENANT, e.id());
        assertThat(after.createdAt()).isEqualTo(created);
        assertThat(after.modifiedAt()).isEqualTo(clock.instant());
        Attribute status = after.attribute(STATUS).orElseThrow();
        assertThat(status.createdAt()).isEqualTo(created);
        assertThat(status.modifiedAt()).isEqualTo(clock.instant());
        assertThat(after.attribute(LEVEL).orElseThrow().modifiedAt())
                .as("untouched attribute")
                .isEqualTo(created);
    }

    @Test
    void changes_arePublishedInOrder_withChangedAttributes() throws Exception {
        EntityId id = EntityId.of("urn:x:ev");
        twin.create(TENANT, lamp(id.value(), "ok", 1, 1, 1));
        twin.updateAttributes(TENANT, id, Map.of(LEVEL, List.of(Attribute.property(2L))));
        twin.replace(TENANT, lamp(id.value(), "ok", 3, 1, 1));
        twin.delete(TENANT, id);
        awaitEvents(4);
        assertThat(events)
                .extracting(ChangeEvent::kind)
                .containsExactly(ChangeKind.CREATED, ChangeKind.UPDATED, ChangeKind.REPLACED, ChangeKind.DELETED);
        assertThat(events.get(1).changedAttributes()).containsExactly(LEVEL);
        assertThat(events.get(1).previous().attribute(LEVEL).orElseThrow().value())
                .isEqualTo(1L);
        assertThat(events.get(1).current().attribute(LEVEL).orElseThrow().value())
                .isEqualTo(2L);
        assertThat(events.get(3).current()).isNull();
    }

    @Test
    void failedOperation_changesNothing_andPublishesNothing() throws Exception {
        twin.create(TENANT, lamp("urn:x:f", "ok", 1, 1, 1));
        assertThatThrownBy(() -> twin.create(TENANT, lamp("urn:x:f", "ok", 1, 1, 1)))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.ALREADY_EXISTS));
        assertThatThrownBy(() -> twin.delete(TENANT, EntityId.of("urn:x:none")))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND));
        Thread.sleep(50);
        assertThat(events).hasSize(1);
    }

    @Test
    void storeFailure_leavesStateUnchanged_andReportsInternalError() {
        TwinRepository failing = new FailingRepository();
        Twin t = new Twin(failing, clock);
        assertThatThrownBy(() -> t.create(TENANT, lamp("urn:x:sf", "ok", 1, 1, 1)))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.INTERNAL_ERROR));
        assertThat(t.find(TENANT, EntityId.of("urn:x:sf"))).isEmpty();
        assertThatThrownBy(() -> t.find(new TenantId("other"), EntityId.of("urn:x:sf")))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.NONEXISTENT_TENANT));
        BatchResult r = t.batchCreate(new TenantId("other"), List.of(lamp("urn:x:sf", "ok", 1, 1, 1)));
        assertThat(r.success()).isEmpty();
        assertThat(r.errors()).hasSize(1);
        assertThat(t.tenants()).containsExactly(TenantId.DEFAULT);
    }

    @Test
    void queries_followValueTypeAndSpatialIndexes_throughUpdates() {
        for (int i = 0; i < 100; i++) {
            twin.create(TENANT, lamp("urn:x:q" + (1000 + i), i % 4 == 0 ? "failed" : "ok", i, 13.0 + i * 0.001, 52.0));
        }
        EntityQuery failed = query("status==\"failed\"", null, 100, true);
        assertThat(twin.query(TENANT, failed).totalCount()).isEqualTo(25);
        // a value changes: the value index follows
        twin.updateAttributes(
                TENANT, EntityId.of("urn:x:q1001"), Map.of(STATUS, List.of(Attribute.property("failed"))));
        twin.updateAttributes(TENANT, EntityId.of("urn:x:q1000"), Map.of(STATUS, List.of(Attribute.property("ok"))));
        assertThat(twin.query(TENANT, failed).entities())
                .extracting(e -> e.id().value())
                .contains("urn:x:q1001")
                .doesNotContain("urn:x:q1000")
                .hasSize(25);
        // a lamp moves: the spatial index follows
        GeoQuery near = GeoQuery.parse("near;maxDistance==100", "Point", "[13.0,52.0]", null)
                .withGeoproperty(Ngsi.LOCATION);
        assertThat(twin.query(TENANT, query(null, near, 100, false)).entities())
                .extracting(e -> e.id().value())
                .containsExactly("urn:x:q1000", "urn:x:q1001");
        twin.updateAttributes(
                TENANT,
                EntityId.of("urn:x:q1050"),
                Map.of(
                        Ngsi.LOCATION,
                        List.of(Attribute.geo(GeoJson.parse(
                                Json.freeze(Map.of("type", "Point", "coordinates", List.of(13.0001, 52.0))))))));
        assertThat(twin.query(TENANT, query(null, near, 100, false)).entities())
                .extracting(e -> e.id().value())
                .containsExactly("urn:x:q1000", "urn:x:q1001", "urn:x:q1050");
        // ordered, stable paging with count
        QueryResult page2 = twin.query(
                TENANT,
                new EntityQuery(
                        List.of(),
                        null,
                        new TypeSelector.Name(T),
                        Set.of(),
                        QueryParser.parse("level>=10").mapNames(n -> "https://example.org/" + n),
                        null,
                        5,
                        5,
                        true));
        assertThat(page2.totalCount()).isEqualTo(90);
        assertThat(page2.entities())
                .extracting(e -> e.id().value())
                .containsExactly("urn:x:q1015", "urn:x:q1016", "urn:x:q1017", "urn:x:q1018", "urn:x:q1019");
        // deleted entities leave every index
        twin.delete(TENANT, EntityId.of("urn:x:q1001"));
        assertThat(twin.query(TENANT, failed).totalCount()).isEqualTo(24);
        assertThat(twin.query(TENANT, query(null, near, 100, false)).entities()).hasSize(2);
        assertThat(twin.countOfType(TENANT, T)).isEqualTo(99);
    }

    private static EntityQuery query(String q, GeoQuery geo, int limit, boolean count) {
        return new EntityQuery(
                List.of(),
                null,
                new TypeSelector.Name(T),
                Set.of(),
                q == null ? null : QueryParser.parse(q).mapNames(n -> "https://example.org/" + n),
                geo,
                0,
                limit,
                count);
    }

    @Test
    void merge_addsTypes_mergesMembers_andNullDeletes() {
        EntityId id = EntityId.of("urn:x:m");
        Attribute withSub = new Attribute(
                AttributeKind.PROPERTY,
                "ok",
                null,
                Instant.parse("2026-01-01T00:00:00Z"),
                "C62",
                Map.of(
                        "https://example.org/quality",
                        Attribute.property(0.9),
                        "https://example.org/source",
                        Attribute.property("s1")),
                null,
                null);
        twin.create(
                TENANT,
                new Entity(
                        id,
                        List.of(T),
                        Map.of(STATUS, List.of(withSub), LEVEL, List.of(Attribute.property(1L))),
                        null,
                        null));
        twin.merge(
                TENANT,
                id,
                List.of("https://example.org/Device"),
                Map.of(
                        STATUS,
                                List.of(new Attribute(
                                        AttributeKind.PROPERTY,
                                        "failed",
                                        null,
                                        null,
                                        null,
                                        Map.of("https://example.org/source", Attribute.property(Ngsi.NULL_URN)),
                                        null,
                                        null)),
                        LEVEL, List.of(Attribute.property(Ngsi.NULL_URN))));
        Entity e = twin.get(TENANT, id);
        assertThat(e.types()).containsExactly(T, "https://example.org/Device");
        Attribute status = e.attribute(STATUS).orElseThrow();
        assertThat(status.value()).isEqualTo("failed");
        assertThat(status.unitCode()).isEqualTo("C62");
        assertThat(status.observedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(status.subAttributes()).containsOnlyKeys("https://example.org/quality");
        assertThat(e.attributes()).doesNotContainKey(LEVEL);
    }

    @Test
    void batch_handlesRepeatedIds_inOrder_andReportsCreated() {
        twin.create(TENANT, lamp("urn:x:b0", "ok", 0, 1, 1));
        BatchResult r = twin.batchUpsert(
                TENANT,
                List.of(
                        lamp("urn:x:b1", "ok", 1, 1, 1),
                        lamp("urn:x:b1", "failed", 2, 1, 1),
                        lamp("urn:x:b0", "ok", 5, 1, 1)),
                false);
        assertThat(r.errors()).isEmpty();
        assertThat(r.created()).extracting(EntityId::value).containsExactly("urn:x:b1");
        assertThat(twin.get(TENANT, EntityId.of("urn:x:b1"))
                        .attribute(LEVEL)
                        .orElseThrow()
                        .value())
                .isEqualTo(2L);
        BatchResult d = twin.batchDelete(TENANT, List.of(EntityId.of("urn:x:b1"), EntityId.of("urn:x:nope")));
        assertThat(d.success()).extracting(EntityId::value).containsExactly("urn:x:b1");
        assertThat(d.errors()).extracting(BatchResult.BatchError::entityId).containsExactly("urn:x:nope");
    }

    @Test
    void concurrentWritersOfOneEntity_loseNoUpdate() throws Exception {
        EntityId id = EntityId.of("urn:x:conc");
        twin.create(TENANT, lamp(id.value(), "ok", 0, 1, 1));
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String attr = "https://example.org/a" + i;
            ts.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int n = 0; n < 50; n++) {
                    twin.appendAttributes(TENANT, id, Map.of(attr, List.of(Attribute.property((long) n))), false);
                }
            }));
        }
        start.countDown();
        for (Thread t : ts) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        Entity e = twin.get(TENANT, id);
        for (int i = 0; i < threads; i++) {
            assertThat(e.attribute("https://example.org/a" + i).orElseThrow().value())
                    .isEqualTo(49L);
        }
    }

    @Test
    void load_restoresStateAndIndexes_fromTheRepository() {
        twin.create(new TenantId("city"), lamp("urn:x:l1", "failed", 1, 1, 1));
        Twin restarted = new Twin(repo, clock);
        assertThat(restarted.load()).isEqualTo(1);
        assertThat(restarted.tenants()).contains(new TenantId("city"));
        assertThat(restarted
                        .query(new TenantId("city"), query("status==\"failed\"", null, 10, true))
                        .totalCount())
                .isEqualTo(1);
    }

    /** A repository whose every write fails, as a full disk would. */
    static final class FailingRepository implements TwinRepository {
        private final EventLog events = new InProcessEventLog();

        @Override
        public CompletableFuture<Void> write(List<Mutation> mutations) {
            return CompletableFuture.failedFuture(
                    new TwinException(ErrorType.INTERNAL_ERROR, "store.write-failed", "disk full"));
        }

        @Override
        public EventLog events() {
            return events;
        }

        @Override
        public void load(BiConsumer<TenantId, Entity> sink) {}

        @Override
        public Set<TenantId> tenants() {
            return Set.of();
        }

        @Override
        public void close() {
            events.close();
        }
    }
}
