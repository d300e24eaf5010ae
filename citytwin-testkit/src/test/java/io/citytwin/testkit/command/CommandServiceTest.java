package io.citytwin.testkit.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.command.Command;
import io.citytwin.command.CommandService;
import io.citytwin.command.ReportedValues;
import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.device.ValueType;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.device.InMemoryDeviceRegistry;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandServiceTest {
    static final String DIM = "https://example.org/dimmingLevel";
    static final String POWER = "https://example.org/power";
    static final TenantId T = TenantId.DEFAULT;
    static final EntityId LAMP = EntityId.of("urn:ngsi-ld:Streetlight:l1");
    static final DeviceId DEV = DeviceId.of("l1");

    final FakeClock clock = new FakeClock(Instant.parse("2026-11-21T10:00:00Z"));
    final InMemoryTwinRepository repository = new InMemoryTwinRepository(clock);
    final Twin twin = new Twin(repository, clock);
    final InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry();
    final InMemoryCommandStore store = new InMemoryCommandStore();
    final ReportedValues reported = new ReportedValues();
    final List<Command> sent = new CopyOnWriteArrayList<>();
    volatile boolean online = true;
    CommandService service;

    CommandService service(int queue) {
        CommandService s = new CommandService(
                repository.events(),
                twin,
                store,
                registry,
                reported,
                clock,
                new CommandService.Options(Duration.ofMinutes(1), queue, Duration.ofDays(1)),
                (msg, e) -> {});
        s.addTransport(c -> {
            if (!online) {
                return CompletableFuture.completedFuture(false);
            }
            sent.add(c);
            return CompletableFuture.completedFuture(true);
        });
        return s.start(null);
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.close();
        }
        repository.close();
    }

    void lamp() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        registry.create(new Device(
                DEV,
                T,
                LAMP,
                "https://example.org/Streetlight",
                new Credentials.Token(PasswordHash.forToken("0123456789abcdefghijkl".toCharArray())),
                PayloadFormat.JSON,
                List.of(
                        new FieldMapping("dim", DIM, null, 0.01, 0, ValueType.NUMBER).withCommand(true),
                        new FieldMapping("p", POWER)),
                null,
                t,
                t));
        twin.create(
                T,
                new Entity(
                        LAMP,
                        List.of("https://example.org/Streetlight"),
                        Map.of(DIM, List.of(Attribute.property(1.0)), POWER, List.of(Attribute.property(40L))),
                        null,
                        null));
    }

    void setDim(Object value) {
        clock.advance(Duration.ofSeconds(1));
        twin.appendAttributes(T, LAMP, Map.of(DIM, List.of(Attribute.property(value))), false);
    }

    Attribute status() {
        return twin.get(T, LAMP)
                .instance(DIM + CommandService.STATUS_SUFFIX, null)
                .orElseThrow();
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void operatorChange_sendsTheDeviceValue_andTheAckIsRecordedOnTheEntity() {
        lamp();
        service = service(10);
        setDim(0.3);
        service.flush();
        await(() -> sent.size() == 1);
        Command c = sent.get(0);
        assertThat(c.name()).isEqualTo("dim");
        assertThat(c.value()).isEqualTo(30L); // the device sends percent: twin value = device value * 0.01
        await(() -> status().value().equals("DELIVERED"));
        assertThat(service.ack(T, DEV, c.id(), true, "dimmed")).isEqualTo(CommandService.AckResult.RECORDED);
        Attribute s = status();
        assertThat(s.value()).isEqualTo("OK");
        assertThat(s.subAttributes().get(CommandService.COMMAND_ID).value()).isEqualTo(c.id());
        assertThat(s.subAttributes().get(CommandService.INFO).value()).isEqualTo("dimmed");
        assertThat(service.ack(T, DEV, c.id(), true, null)).isEqualTo(CommandService.AckResult.FINISHED);
        assertThat(service.ack(T, DEV, "nope", true, null)).isEqualTo(CommandService.AckResult.UNKNOWN);
    }

    @Test
    void theDevicesOwnReport_andOtherAttributes_sendNothing() {
        lamp();
        service = service(10);
        clock.advance(Duration.ofSeconds(1));
        Instant observed = clock.instant();
        reported.reported(T, LAMP, DIM, 0.5, observed);
        twin.appendAttributes(
                T,
                LAMP,
                Map.of(
                        DIM,
                        List.of(Attribute.property(0.5).withObservedAt(observed)),
                        POWER,
                        List.of(Attribute.property(41L))),
                false);
        service.flush();
        assertThat(store.open()).isEmpty();
        assertThat(sent).isEmpty();
        assertThat(twin.get(T, LAMP).attributes()).doesNotContainKey(DIM + CommandService.STATUS_SUFFIX);
    }

    @Test
    void offlineDevice_getsItsQueue_whenReady_andUnansweredCommandsExpire() {
        lamp();
        online = false;
        service = service(10);
        setDim(0.2);
        service.flush();
        await(() -> store.open().size() == 1);
        assertThat(status().value()).isEqualTo("PENDING");
        online = true;
        service.deviceReady(T, DEV);
        await(() -> sent.size() == 1);
        await(() -> status().value().equals("DELIVERED"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(service.expireDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(service.expireDue()).isEqualTo(1);
        assertThat(status().value()).isEqualTo("EXPIRED");
        assertThat((String) status().subAttributes().get(CommandService.INFO).value())
                .startsWith("not acknowledged");
        assertThat(store.open()).isEmpty();
    }

    @Test
    void boundedQueue_supersedesPendingCommandsOfTheSameName() {
        lamp();
        online = false;
        service = service(2);
        setDim(0.1);
        setDim(0.2);
        setDim(0.3);
        service.flush();
        await(() -> store.open().size() == 1);
        assertThat(store.open().get(0).value()).isEqualTo(30L);
        assertThat(service.expired()).isEqualTo(2);
    }

    @Test
    void restart_keepsOpenCommands_andAReplayIssuesNoDuplicates() {
        lamp();
        online = false;
        service = service(10);
        setDim(0.4);
        service.flush();
        await(() -> store.open().size() == 1);
        service.close();
        // a new service over the same store and log; the log replays from its start
        online = true;
        service = new CommandService(
                repository.events(),
                twin,
                store,
                registry,
                reported,
                clock,
                CommandService.Options.DEFAULTS,
                (m, e) -> {});
        service.addTransport(c -> {
            sent.add(c);
            return CompletableFuture.completedFuture(true);
        });
        service.start(null);
        assertThat(service.openCount()).isEqualTo(1);
        service.deviceReady(T, DEV);
        await(() -> sent.size() == 1);
        assertThat(store.open()).hasSize(1);
    }

    @Test
    void registryChanges_areFollowed_removedDevicesLoseTheirCommands_andUncommandedMappingsSendNothing() {
        lamp();
        online = false;
        service = service(10);
        setDim(0.2);
        service.flush();
        await(() -> store.open().size() == 1);
        service.deviceRemoved(T, DEV);
        assertThat(store.open()).isEmpty();
        assertThat(service.openCount()).isZero();

        Device plain = registry.get(T, DEV).orElseThrow();
        Device noCommands = new Device(
                plain.id(),
                plain.tenant(),
                plain.entityId(),
                plain.entityType(),
                plain.credentials(),
                plain.format(),
                List.of(new FieldMapping("dim", DIM, null, 0.01, 0, ValueType.NUMBER)),
                null,
                plain.createdAt(),
                plain.modifiedAt());
        service.deviceChanged(noCommands);
        setDim(0.7);
        service.flush();
        assertThat(store.open()).isEmpty();
        assertThat(service.issued()).isEqualTo(1);
        service.deviceChanged(plain); // a command again from now on
        setDim(0.8);
        service.flush();
        await(() -> store.open().size() == 1);
        assertThat(store.open().get(0).value()).isEqualTo(80L);
    }
}
