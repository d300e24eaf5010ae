package io.citytwin.testkit.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.command.Command;
import io.citytwin.command.CommandStatus;
import io.citytwin.command.CommandStore;
import io.citytwin.device.DeviceId;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Json;
import io.citytwin.twin.TenantId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every {@link CommandStore} adapter must have; subclass it per adapter. */
public abstract class CommandStoreContract {
    protected static final TenantId CITY = new TenantId("city");
    protected static final Instant T0 = Instant.parse("2026-11-21T10:00:00.123456789Z");

    @TempDir
    protected Path dir;

    /** Opens the store in {@code dir}; opening it again after close must see the same data when durable. */
    protected abstract CommandStore open(Path dir);

    /** Whether the adapter keeps its data across close and open. */
    protected boolean durable() {
        return true;
    }

    protected static Command command(String id, String device, String name, Object value, Instant at) {
        return new Command(
                id,
                CITY,
                DeviceId.of(device),
                EntityId.of("urn:ngsi-ld:Streetlight:" + device),
                "https://example.org/" + name,
                name,
                value,
                at,
                at.plus(Duration.ofMinutes(5)),
                CommandStatus.PENDING,
                null,
                at);
    }

    private CommandStore reopen(CommandStore store) {
        if (!durable()) {
            return store;
        }
        store.close();
        return open(dir);
    }

    @Test
    void insert_sameIdTwice_storesItOnce_andKeepsEveryFieldAfterReopen() {
        Object value = Json.freeze(Map.of("level", 30L, "ramp", List.of(1.5, "x", true)));
        Command a = command("c-1", "lamp-1", "dim", value, T0);
        CommandStore store = open(dir);
        assertThat(store.insert(List.of(a))).containsExactly(a);
        assertThat(store.insert(List.of(a, command("c-2", "lamp-1", "power", "on", T0.plusSeconds(1)))))
                .extracting(Command::id)
                .containsExactly("c-2");
        store = reopen(store);
        try {
            assertThat(store.find(CITY, DeviceId.of("lamp-1"), "c-1")).contains(a);
            assertThat(store.find(CITY, DeviceId.of("lamp-2"), "c-1")).isEmpty();
            assertThat(store.open()).extracting(Command::id).containsExactly("c-1", "c-2");
        } finally {
            store.close();
        }
    }

    @Test
    void update_toFinished_leavesOpen_andPruneDropsItOnlyAfterItsTime() {
        Command a = command("c-1", "lamp-1", "dim", 30L, T0);
        CommandStore store = open(dir);
        store.insert(List.of(a, command("c-2", "lamp-1", "dim", 40L, T0.plusSeconds(1))));
        Command done = a.with(CommandStatus.OK, "dimmed", T0.plusSeconds(10));
        store.update(List.of(done));
        store = reopen(store);
        try {
            assertThat(store.open()).extracting(Command::id).containsExactly("c-2");
            assertThat(store.find(CITY, DeviceId.of("lamp-1"), "c-1")).contains(done);
            assertThat(store.prune(T0.plusSeconds(10))).isZero();
            assertThat(store.prune(T0.plusSeconds(11))).isEqualTo(1);
            assertThat(store.find(CITY, DeviceId.of("lamp-1"), "c-1")).isEmpty();
            assertThat(store.open()).hasSize(1);
        } finally {
            store.close();
        }
    }

    @Test
    void deleteDevice_dropsOnlyItsCommands() {
        try (CommandStore store = open(dir)) {
            store.insert(List.of(command("c-1", "lamp-1", "dim", 1L, T0), command("c-2", "lamp-2", "dim", 2L, T0)));
            store.deleteDevice(CITY, DeviceId.of("lamp-1"));
            assertThat(store.open()).extracting(Command::id).containsExactly("c-2");
        }
    }
}
