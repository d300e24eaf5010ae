package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External broker mode against the Mosquitto on 127.0.0.1:1883 (provided by the machine / CI, never mocked): the node
 * subscribes with a shared subscription, a device publishes to Mosquitto, and the reading reaches the twin through
 * the same decoding path as the embedded broker. Tenant, client id and share group are unique per run, so that other
 * builds using the same Mosquitto do not interfere.
 */
class ExternalBrokerIT {
    @TempDir
    Path dir;

    @Test
    void readingsPublishedToMosquitto_reachTheTwin_throughTheSharedSubscription() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "ext" + run;
        CityTwinConfig base = CityTwinConfig.defaults().override(0, "127.0.0.1", dir);
        CityTwinConfig config = new CityTwinConfig(
                base.dataDir(),
                base.http(),
                base.store(),
                base.contexts(),
                base.history(),
                base.mqtt()
                        .withPort(0)
                        .withExternal(new MqttConfig.External(
                                "tcp://127.0.0.1:1883", "citytwin-it-" + run, null, null, true, "ct" + run)));
        try (Node node = Node.start(config, InstantSource.system(), Map.of())) {
            Api api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", tenant);
            assertThat(api.post(
                                    "/iot/v1/devices",
                                    Map.of(
                                            "id",
                                            "ext-1",
                                            "entityId",
                                            "urn:ngsi-ld:WeatherObserved:ext-1",
                                            "entityType",
                                            "WeatherObserved",
                                            "credentials",
                                            Map.of("token", "unused-here-0123456789abcdef"),
                                            "format",
                                            "compact",
                                            "mapping",
                                            Map.of("t", Map.of("attribute", "temperature", "type", "number"))))
                            .status())
                    .isEqualTo(201);

            Mqtt5BlockingClient device = Mqtt5Client.builder()
                    .identifier("ext-device-" + run)
                    .serverHost("127.0.0.1")
                    .serverPort(1883)
                    .buildBlocking();
            device.connect();
            try {
                device.publishWith()
                        .topic("citytwin/" + tenant + "/devices/ext-1/telemetry")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("t|21.25".getBytes(StandardCharsets.UTF_8))
                        .send();
                // an unregistered device is counted and ignored
                device.publishWith()
                        .topic("citytwin/" + tenant + "/devices/nobody/telemetry")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload("t|1".getBytes(StandardCharsets.UTF_8))
                        .send();
            } finally {
                device.disconnect();
            }
            String entity = "/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:ext-1?options=keyValues";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Api.Res r = api.get(entity);
            while (r.status() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                r = api.get(entity);
            }
            assertThat(r.status()).as("the reading arrived through Mosquitto").isEqualTo(200);
            assertThat(r.obj()).containsEntry("temperature", 21.25);
            long deadline2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!api.get("/metrics").body().contains("reason=\"external-unknown-device\"")
                    && System.nanoTime() < deadline2) {
                Thread.sleep(50);
            }
            assertThat(api.get("/metrics").body()).contains("reason=\"external-unknown-device\"");
        }
    }
}
