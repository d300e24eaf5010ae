package io.citytwin.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.citytwin.device.CredentialCache;
import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceAuthenticator;
import io.citytwin.device.DeviceId;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.ingest.IngestService;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.device.InMemoryDeviceRegistry;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compaction of HiveMQ's extension task maps ({@link ExtensionQueueCompactor}) attaches to the HiveMQ version we
 * ship, and swapping the maps while devices publish loses and reorders nothing: 150 devices each publish a numbered
 * series of QoS 1 readings while the maps are swapped in a tight loop; every publish is acknowledged and each
 * device's twin ends with its last reading.
 */
class ExtensionQueueCompactorIT {
    static final TenantId TENANT = new TenantId("compact");
    static final int DEVICES = 150;
    static final int READINGS = 30;

    @TempDir
    Path dir;

    @Test
    void swappingTheMapsUnderLoad_losesNothing() throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry();
        for (int i = 0; i < DEVICES; i++) {
            registry.create(new Device(
                    DeviceId.of("d-" + i),
                    TENANT,
                    EntityId.of("urn:ngsi-ld:Sensor:d-" + i),
                    "https://example.org/Sensor",
                    new Credentials.Token(PasswordHash.forToken(token(i).toCharArray())),
                    PayloadFormat.COMPACT_TEXT,
                    List.of(),
                    null,
                    t,
                    t));
        }
        Twin twin = new Twin(new InMemoryTwinRepository(), InstantSource.system());
        MqttOptions options = MqttOptions.defaults(ClientCertificateIT.freePort(), dir.resolve("mqtt"))
                .withHost("127.0.0.1");
        DeviceAuthenticator auth = new DeviceAuthenticator(
                registry, new CredentialCache(InstantSource.system(), Duration.ofMinutes(1), 1_000), 1);
        try (IngestService ingest = new IngestService(twin, InstantSource.system());
                MqttBroker broker = MqttBroker.start(options, auth, ingest, new SimpleMeterRegistry())) {
            assertThat(broker.extensionMapsCompacted())
                    .as("the compactor attached to this HiveMQ version")
                    .isNotNegative();
            List<Mqtt5AsyncClient> clients = new ArrayList<>();
            List<CompletableFuture<?>> connects = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                Mqtt5AsyncClient c = Mqtt5Client.builder()
                        .identifier("compact-" + i)
                        .serverHost("127.0.0.1")
                        .serverPort(broker.port())
                        .buildAsync();
                clients.add(c);
                connects.add(c.connectWith()
                        .simpleAuth()
                        .username(TENANT.value() + "/d-" + i)
                        .password(token(i).getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth()
                        .send());
            }
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicLong swaps = new AtomicLong();
            Thread swapper = Thread.ofPlatform().start(() -> {
                while (publishing.get()) {
                    swaps.addAndGet(Math.max(0, broker.compactExtensionMaps()));
                }
            });
            List<CompletableFuture<Mqtt5PublishResult>> series = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                series.add(publishFrom(clients.get(i), i, 0));
            }
            List<Mqtt5PublishResult> last = new ArrayList<>();
            for (CompletableFuture<Mqtt5PublishResult> f : series) {
                last.add(f.get(120, TimeUnit.SECONDS));
            }
            publishing.set(false);
            swapper.join();

            assertThat(swaps.get()).as("maps swapped while publishing").isPositive();
            assertThat(last).allSatisfy(r -> assertThat(r.getError()).isEmpty());
            for (int i = 0; i < DEVICES; i++) {
                Entity e = twin.find(TENANT, EntityId.of("urn:ngsi-ld:Sensor:d-" + i))
                        .orElseThrow();
                assertThat(value(e, "n")).as("device %d's last reading", i).isEqualTo(READINGS - 1);
                assertThat(value(e, "k")).as("device %d's key", i).isEqualTo(i);
            }
            assertThat(broker.extensionMapsCompacted()).isGreaterThanOrEqualTo(swaps.get());
            for (Mqtt5AsyncClient c : clients) {
                c.disconnect().get(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Device {@code i} publishes readings {@code n..READINGS-1} one after the other, each after the last PUBACK. */
    private static CompletableFuture<Mqtt5PublishResult> publishFrom(Mqtt5AsyncClient c, int i, int n) {
        return c.publishWith()
                .topic("citytwin/" + TENANT.value() + "/devices/d-" + i + "/telemetry")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(("k|" + i + "|n|" + n).getBytes(StandardCharsets.UTF_8))
                .send()
                .thenCompose(r -> r.getError().isPresent() || n + 1 == READINGS
                        ? CompletableFuture.completedFuture(r)
                        : publishFrom(c, i, n + 1));
    }

    private static int value(Entity e, String field) {
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            if (a.getKey().equals(field) || a.getKey().endsWith("/" + field)) {
                return ((Number) a.getValue().get(0).value()).intValue();
            }
        }
        throw new AssertionError(
                "no attribute " + field + " in " + e.attributes().keySet());
    }

    private static String token(int i) {
        return "tok-compact-0123456789abcdef-" + i;
    }
}
