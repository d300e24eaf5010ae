package io.citytwin.device.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.device.DeviceId;
import io.citytwin.ingest.Channel;
import io.citytwin.ingest.DeadLetter;
import io.citytwin.ingest.DeviceHealth;
import io.citytwin.ingest.DeviceStateStore;
import io.citytwin.testkit.FakeClock;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDeviceStateStoreTest {
    static final TenantId T = new TenantId("city");
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00.5Z");

    @TempDir
    Path dir;

    static DeviceStateStore.HealthRow health(String id, DeviceHealth h) {
        return new DeviceStateStore.HealthRow(
                T, DeviceId.of(id), EntityId.of("urn:ngsi-ld:Sensor:" + id), "https://example.org/Sensor", h);
    }

    static DeviceStateStore.LetterRow letter(String id, int i) {
        return new DeviceStateStore.LetterRow(
                T,
                DeviceId.of(id),
                new DeadLetter(T0.plusSeconds(i), Channel.TELEMETRY, "bad " + i, i, "{\"t\": " + i));
    }

    @Test
    void save_thenReopen_givesHealthAndTheNewestLettersPerDevice() {
        DeviceHealth online = new DeviceHealth(DeviceHealth.State.ONLINE, T0, 12, 3);
        try (SqliteDeviceStateStore s = SqliteDeviceStateStore.open(dir, new FakeClock())) {
            assertThat(s.save(List.of(health("a", online)), List.of(letter("a", 1), letter("a", 2)), 3, 100))
                    .isZero();
            DeviceHealth later = new DeviceHealth(DeviceHealth.State.OFFLINE, T0.plusSeconds(60), 13, 4);
            assertThat(s.save(
                            List.of(
                                    health("a", later),
                                    health("b", new DeviceHealth(DeviceHealth.State.ONLINE, null, 0, 0))),
                            List.of(letter("a", 3), letter("a", 4), letter("b", 5)),
                            3,
                            100))
                    .isEqualTo(1);
        }
        try (SqliteDeviceStateStore s = SqliteDeviceStateStore.open(dir, new FakeClock())) {
            DeviceStateStore.Snapshot snap = s.load(3);
            assertThat(snap.health()).hasSize(2);
            assertThat(snap.health().stream()
                            .filter(h -> h.device().value().equals("a"))
                            .findFirst()
                            .orElseThrow()
                            .health())
                    .isEqualTo(new DeviceHealth(DeviceHealth.State.OFFLINE, T0.plusSeconds(60), 13, 4));
            assertThat(snap.letters()).containsExactly(letter("a", 2), letter("a", 3), letter("a", 4), letter("b", 5));
            assertThat(s.load(1).letters()).containsExactly(letter("a", 4), letter("b", 5));
        }
    }

    @Test
    void save_beyondTheTotalBound_dropsTheOldestOverall_andForgetRemovesADevice() {
        try (SqliteDeviceStateStore s = SqliteDeviceStateStore.open(dir, new FakeClock())) {
            List<DeviceStateStore.LetterRow> letters = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                letters.add(letter(i % 2 == 0 ? "a" : "b", i));
            }
            assertThat(s.save(List.of(), letters, 10, 4)).isEqualTo(6);
            assertThat(s.load(10).letters())
                    .containsExactly(letter("a", 6), letter("b", 7), letter("a", 8), letter("b", 9));
            s.forget(T, DeviceId.of("a"));
            assertThat(s.load(10).letters()).containsExactly(letter("b", 7), letter("b", 9));
        }
    }
}
