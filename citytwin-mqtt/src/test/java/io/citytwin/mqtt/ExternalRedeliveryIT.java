package io.citytwin.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.event.EventLog;
import io.citytwin.ingest.IngestService;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.device.InMemoryDeviceRegistry;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * External broker mode against the Mosquitto on 127.0.0.1:1883 (provided by the machine / CI): a message whose durable
 * twin write fails is not acknowledged to the broker, and the broker redelivers it (the client resumes its persistent
 * session), so the reading reaches the twin once the store works again.
 */
class ExternalRedeliveryIT {

    /** A twin store whose first {@code failures} writes fail, like a full disk. */
    static final class FailingRepository implements TwinRepository {
        final InMemoryTwinRepository inner = new InMemoryTwinRepository();
        final AtomicInteger failures;

        FailingRepository(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public CompletableFuture<Void> write(List<Mutation> mutations) {
            if (failures.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new IOException("disk full (test)"));
            }
            return inner.write(mutations);
        }

        @Override
        public EventLog events() {
            return inner.events();
        }

        @Override
        public void load(BiConsumer<TenantId, Entity> sink) {
            inner.load(sink);
        }

        @Override
        public Set<TenantId> tenants() {
            return inner.tenants();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static Optional<Entity> find(Twin twin, TenantId tenant) {
        return twin.tenants().contains(tenant)
                ? twin.find(tenant, EntityId.of("urn:ngsi-ld:Sensor:ext-r"))
                : Optional.empty();
    }

    @Test
    void aFailedDurableWrite_isNotAcknowledged_andTheBrokerRedeliversIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        TenantId tenant = new TenantId("redeliver" + run);
        FailingRepository repository = new FailingRepository(1);
        Twin twin = new Twin(repository, InstantSource.system());
        InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        registry.create(new Device(
                DeviceId.of("ext-r"),
                tenant,
                EntityId.of("urn:ngsi-ld:Sensor:ext-r"),
                "https://example.org/Sensor",
                new Credentials.Token(PasswordHash.forToken("0123456789abcdefghijkl".toCharArray())),
                PayloadFormat.COMPACT_TEXT,
                List.of(new FieldMapping("t", "https://example.org/temperature")),
                null,
                t,
                t));
        try (IngestService ingest = new IngestService(twin, InstantSource.system());
                ExternalBrokerClient client = ExternalBrokerClient.connect(
                        new ExternalBrokerClient.Settings(
                                "tcp://127.0.0.1:1883", "citytwin-redeliver-" + run, null, null, false, "unused"),
                        registry,
                        ingest,
                        InstantSource.system(),
                        new SimpleMeterRegistry())) {
            Mqtt5BlockingClient device = Mqtt5Client.builder()
                    .identifier("ext-r-device-" + run)
                    .serverHost("127.0.0.1")
                    .serverPort(1883)
                    .buildBlocking();
            device.connect();
            try {
                device.publishWith()
                        .topic("citytwin/" + tenant.value() + "/devices/ext-r/telemetry")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("t|7.5".getBytes(StandardCharsets.UTF_8))
                        .send();
            } finally {
                device.disconnect();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Optional<Entity> e = find(twin, tenant);
            while (e.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                e = find(twin, tenant);
            }
            assertThat(client.failedWrites()).as("the first write failed").isGreaterThanOrEqualTo(1);
            assertThat(e).as("the redelivered reading reached the twin").isPresent();
            assertThat(e.get()
                            .instance("https://example.org/temperature", null)
                            .orElseThrow()
                            .value())
                    .isEqualTo(7.5);
        } finally {
            repository.close();
        }
    }
}
