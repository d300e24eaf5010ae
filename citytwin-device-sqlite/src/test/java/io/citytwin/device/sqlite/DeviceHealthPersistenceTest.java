package io.citytwin.device.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.ingest.Channel;
import io.citytwin.ingest.DeadLetter;
import io.citytwin.ingest.DeviceHealth;
import io.citytwin.ingest.DeviceStateStore;
import io.citytwin.ingest.IngestListener;
import io.citytwin.ingest.IngestService;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IngestService over the SQLite device state store: health and dead letters survive a restart, within bounds. */
class DeviceHealthPersistenceTest {
    final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T10:00:00Z"));

    @TempDir
    Path dir;

    static Device device(String id) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        return new Device(
                new DeviceId(id),
                TenantId.DEFAULT,
                EntityId.of("urn:ngsi-ld:Sensor:" + id),
                "https://example.org/Sensor",
                new Credentials.Token(PasswordHash.forToken("0123456789abcdefghijkl".toCharArray())),
                PayloadFormat.JSON,
                List.of(new FieldMapping("t", "https://example.org/t")),
                null,
                t,
                t);
    }

    Twin twin;

    IngestService start(InMemoryTwinRepository repo, SqliteDeviceStateStore store) {
        twin = new Twin(repo, clock);
        twin.load();
        IngestService s = new IngestService(
                twin, clock, new IngestService.Options(2, 100, 50, 3, Duration.ofMinutes(5), 4), IngestListener.NONE);
        s.persistTo(store, Duration.ofHours(1)); // health: only the explicit flushes and close write in this test
        return s;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void deadLetters_goToTheStoreWithinASecond_healthOnlyWithTheWholeBatch() throws Exception {
        InMemoryTwinRepository repo = new InMemoryTwinRepository(clock);
        try (SqliteDeviceStateStore store = SqliteDeviceStateStore.open(dir, clock)) {
            IngestService ingest = start(repo, store);
            ingest.ingest(device("c"), Channel.TELEMETRY, bytes("{\"t\": 1}"));
            ingest.ingest(device("d"), Channel.TELEMETRY, bytes("{bad d"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.load(3).letters().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            DeviceStateStore.Snapshot saved = store.load(3);
            assertThat(saved.letters()).extracting(l -> l.letter().excerpt()).containsExactly("{bad d");
            assertThat(saved.health()).extracting(h -> h.device().value()).containsExactly("d");
            ingest.flushState();
            assertThat(store.load(3).health())
                    .extracting(h -> h.device().value())
                    .containsExactlyInAnyOrder("c", "d");
            ingest.close();
        }
        repo.close();
    }

    @Test
    void healthAndDeadLetters_surviveARestart_andTheBoundsDropTheOldest() {
        InMemoryTwinRepository repo = new InMemoryTwinRepository(clock);
        try (SqliteDeviceStateStore store = SqliteDeviceStateStore.open(dir, clock)) {
            IngestService ingest = start(repo, store);
            ingest.ingest(device("a"), Channel.TELEMETRY, bytes("{\"t\": 1}"));
            for (int i = 0; i < 4; i++) {
                ingest.ingest(device("a"), Channel.TELEMETRY, bytes("{bad " + i));
            }
            ingest.ingest(device("b"), Channel.TELEMETRY, bytes("{bad b"));
            ingest.ingest(device("b"), Channel.TELEMETRY, bytes("{bad b2"));
            // a holds its newest 3 (one dropped); overall 4: a's oldest held one goes too
            assertThat(ingest.deadLetters(TenantId.DEFAULT, DeviceId.of("a")))
                    .extracting(DeadLetter::excerpt)
                    .containsExactly("{bad 2", "{bad 3");
            assertThat(ingest.droppedDeadLetters()).isEqualTo(2);
            ingest.close();
        }
        clock.advance(Duration.ofMinutes(10));
        try (SqliteDeviceStateStore store = SqliteDeviceStateStore.open(dir, clock)) {
            IngestService ingest = start(repo, store);
            DeviceHealth a = ingest.health(TenantId.DEFAULT, DeviceId.of("a")).orElseThrow();
            assertThat(a.messages()).isEqualTo(5);
            assertThat(a.errors()).isEqualTo(4);
            assertThat(a.state()).isEqualTo(DeviceHealth.State.ONLINE);
            assertThat(ingest.deadLetters(TenantId.DEFAULT, DeviceId.of("a")))
                    .extracting(DeadLetter::excerpt)
                    .containsExactly("{bad 2", "{bad 3");
            assertThat(ingest.deadLetters(TenantId.DEFAULT, DeviceId.of("b")))
                    .extracting(DeadLetter::excerpt)
                    .containsExactly("{bad b", "{bad b2");
            // silent since before the restart: still goes offline on its entity (b never sent anything valid)
            assertThat(ingest.markOffline()).isEqualTo(1);
            assertThat(twin.get(TenantId.DEFAULT, EntityId.of("urn:ngsi-ld:Sensor:a"))
                            .instance(IngestService.DEVICE_STATE, null)
                            .orElseThrow()
                            .value())
                    .isEqualTo("offline");
            ingest.flushState();
            ingest.forget(TenantId.DEFAULT, DeviceId.of("b"));
            ingest.close();
        }
        try (SqliteDeviceStateStore store = SqliteDeviceStateStore.open(dir, clock)) {
            IngestService ingest = start(repo, store);
            assertThat(ingest.health(TenantId.DEFAULT, DeviceId.of("a"))
                            .orElseThrow()
                            .state())
                    .isEqualTo(DeviceHealth.State.OFFLINE);
            assertThat(ingest.health(TenantId.DEFAULT, DeviceId.of("b"))).isEmpty();
            ingest.close();
        }
        repo.close();
    }
}
