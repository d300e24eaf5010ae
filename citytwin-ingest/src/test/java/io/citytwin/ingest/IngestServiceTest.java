package io.citytwin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.device.ValueType;
import io.citytwin.event.ChangeEvent;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngestServiceTest {
    static final String TEMP = "https://example.org/temperature";
    static final PasswordHash HASH = PasswordHash.create("secret".toCharArray(), 1);

    final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T10:00:00Z"));
    final InMemoryTwinRepository repository = new InMemoryTwinRepository(clock);
    final Twin twin = new Twin(repository, clock);
    final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    final IngestService ingest = new IngestService(
            twin, clock, new IngestService.Options(2, 100, 50, 3, Duration.ofMinutes(5)), IngestListener.NONE);

    {
        repository.events().subscribe("test", 0, (first, batch) -> events.addAll(batch));
    }

    @AfterEach
    void close() {
        ingest.close();
        repository.close();
    }

    static Device device(String id, PayloadFormat format) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new Device(
                new DeviceId(id),
                TenantId.DEFAULT,
                EntityId.of("urn:ngsi-ld:Sensor:" + id),
                "https://example.org/Sensor",
                new Credentials.Token(HASH),
                format,
                List.of(new FieldMapping("t", TEMP, "CEL", 1, 0, ValueType.NUMBER)),
                null,
                t,
                t);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    Entity entity(String id) {
        return twin.get(TenantId.DEFAULT, EntityId.of("urn:ngsi-ld:Sensor:" + id));
    }

    @Test
    void telemetry_isApplied_withTheDeviceTimestamp_andTheDeviceComesOnline() {
        IngestOutcome o = ingest.ingest(
                device("a", PayloadFormat.JSON),
                Channel.TELEMETRY,
                bytes("{\"t\": 21.5, \"ts\": \"2026-11-21T09:00:00Z\"}"));
        assertThat(o).isEqualTo(new IngestOutcome.Applied(1, 2, List.of()));
        Attribute t = entity("a").attributes().get(TEMP).get(0);
        assertThat(t.value()).isEqualTo(21.5);
        assertThat(t.observedAt()).isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
        assertThat(t.unitCode()).isEqualTo("CEL");
        assertThat(entity("a")
                        .attributes()
                        .get(IngestService.DEVICE_STATE)
                        .get(0)
                        .value())
                .isEqualTo("online");
        // online as of the reading's own time, not the receipt: an old reading (a backfill, a replay) must not
        // move the rules' event-time watermark to the wall clock
        assertThat(entity("a")
                        .attributes()
                        .get(IngestService.DEVICE_STATE)
                        .get(0)
                        .observedAt())
                .isEqualTo(Instant.parse("2026-11-21T09:00:00Z"));
        assertThat(ingest.health(TenantId.DEFAULT, new DeviceId("a"))
                        .orElseThrow()
                        .state())
                .isEqualTo(DeviceHealth.State.ONLINE);
        assertThat(ingest.points()).isEqualTo(1);
    }

    @Test
    void compactText_withoutTimestamp_takesTheReceiveTime() {
        ingest.ingest(device("c", PayloadFormat.COMPACT_TEXT), Channel.TELEMETRY, bytes("t|7"));
        Attribute t = entity("c").attributes().get(TEMP).get(0);
        assertThat(t.value()).isEqualTo(7L);
        assertThat(t.observedAt()).isEqualTo(clock.instant());
        assertThat(entity("c")
                        .attributes()
                        .get(IngestService.DEVICE_STATE)
                        .get(0)
                        .observedAt())
                .isEqualTo(clock.instant());
    }

    @Test
    void malformedPayload_isADeadLetter_andNothingIsWritten() {
        IngestOutcome o = ingest.ingest(device("m", PayloadFormat.JSON), Channel.TELEMETRY, bytes("{\"t\": "));
        assertThat(o).isInstanceOf(IngestOutcome.Malformed.class);
        assertThat(((IngestOutcome.Malformed) o).reason()).contains("not valid JSON");
        assertThat(twin.find(TenantId.DEFAULT, EntityId.of("urn:ngsi-ld:Sensor:m")))
                .isEmpty();
        List<DeadLetter> dead = ingest.deadLetters(TenantId.DEFAULT, new DeviceId("m"));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).excerpt()).isEqualTo("{\"t\": ");
        assertThat(ingest.health(TenantId.DEFAULT, new DeviceId("m"))
                        .orElseThrow()
                        .errors())
                .isEqualTo(1);
    }

    @Test
    void deadLetters_areBounded_keepingTheNewest() {
        Device d = device("b", PayloadFormat.JSON);
        for (int i = 0; i < 5; i++) {
            ingest.ingest(d, Channel.TELEMETRY, bytes("bad " + i));
        }
        List<DeadLetter> dead = ingest.deadLetters(TenantId.DEFAULT, new DeviceId("b"));
        assertThat(dead).extracting(DeadLetter::excerpt).containsExactly("bad 2", "bad 3", "bad 4");
    }

    @Test
    void manyPayloadsOfOneDevice_areAppliedInOrder_eachAsItsOwnChange() throws Exception {
        Device d = device("o", PayloadFormat.JSON);
        ingest.ingest(d, Channel.TELEMETRY, bytes("{\"t\": -1}"));
        awaitEvents(1);
        int before = events.size();
        List<CompletableFuture<IngestOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(ingest.submit(d, Channel.TELEMETRY, bytes("{\"t\": " + i + "}")));
        }
        for (CompletableFuture<IngestOutcome> f : all) {
            assertThat(f.get()).isInstanceOf(IngestOutcome.Applied.class);
        }
        assertThat(entity("o").attributes().get(TEMP).get(0).value()).isEqualTo(199L);
        awaitEvents(before + 200);
        assertThat(events.size() - before).as("one change event per reading").isEqualTo(200);
    }

    /** Event delivery is asynchronous: wait (with a deadline) until {@code n} events arrived. */
    void awaitEvents(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (events.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void silentDevice_goesOffline_onTheInjectedClock_andBackOnline() {
        Device d = device("s", PayloadFormat.JSON);
        ingest.ingest(d, Channel.TELEMETRY, bytes("{\"t\": 1}"));
        clock.advance(Duration.ofMinutes(4));
        assertThat(ingest.markOffline()).isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(ingest.markOffline()).isEqualTo(1);
        assertThat(ingest.markOffline()).as("only the transition is written").isZero();
        assertThat(entity("s")
                        .attributes()
                        .get(IngestService.DEVICE_STATE)
                        .get(0)
                        .value())
                .isEqualTo("offline");
        ingest.ingest(d, Channel.TELEMETRY, bytes("{\"t\": 2}"));
        assertThat(entity("s")
                        .attributes()
                        .get(IngestService.DEVICE_STATE)
                        .get(0)
                        .value())
                .isEqualTo("online");
    }

    @Test
    void staticAttributes_haveNoObservedAt_andUnmappedFieldsPassThrough() {
        ingest.ingest(device("x", PayloadFormat.JSON), Channel.ATTRS, bytes("{\"firmware\": \"v2.0\", \"t\": 3}"));
        Entity e = entity("x");
        Attribute fw = e.attributes().get(Ngsi.DEFAULT_VOCAB + "firmware").get(0);
        assertThat(fw.value()).isEqualTo("v2.0");
        assertThat(fw.observedAt()).isNull();
        assertThat(e.attributes().get(TEMP).get(0).observedAt()).isNull();
    }

    @Test
    void deadLetters_areBoundedPerDeviceAndOverall_andTheirBookkeepingStaysBounded() {
        IngestService small = new IngestService(
                twin, clock, new IngestService.Options(1, 100, 50, 3, Duration.ofMinutes(5), 5), IngestListener.NONE);
        try {
            for (int i = 0; i < 3_000; i++) {
                small.ingest(device("bad-" + (i % 2), PayloadFormat.JSON), Channel.TELEMETRY, bytes("{x" + i));
            }
            assertThat(small.deadLetters(TenantId.DEFAULT, new DeviceId("bad-0")))
                    .hasSizeLessThanOrEqualTo(3);
            assertThat(small.deadLetters(TenantId.DEFAULT, new DeviceId("bad-0"))
                                    .size()
                            + small.deadLetters(TenantId.DEFAULT, new DeviceId("bad-1"))
                                    .size())
                    .isEqualTo(5);
            assertThat(small.deadLetters(TenantId.DEFAULT, new DeviceId("bad-1")))
                    .last()
                    .extracting(DeadLetter::excerpt)
                    .isEqualTo("{x2999");
            assertThat(small.droppedDeadLetters()).isEqualTo(2_995);
            assertThat(small.letterQueueSize()).isLessThanOrEqualTo(2 * 5 + 1_024 + 1);
        } finally {
            small.close();
        }
    }
}
