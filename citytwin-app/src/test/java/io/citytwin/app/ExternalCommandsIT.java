package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands in external broker mode against the Mosquitto on 127.0.0.1:1883: the node publishes the command to the
 * device's commands topic on Mosquitto, the device acknowledges on commands/ack there, and the status lands on the
 * entity.
 */
class ExternalCommandsIT {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void commandsGoThroughTheExternalBroker_andTheirAcksComeBack() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "extcmd" + run;
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
                                "tcp://127.0.0.1:1883", "citytwin-cmd-it-" + run, null, null, true, "cc" + run)));
        try (Node node = Node.start(config, InstantSource.system(), Map.of())) {
            Api api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", tenant);
            CommandsIT.registerLamp(api, "x-1", "unused-here-0123456789abcdef");
            api.post(
                    "/ngsi-ld/v1/entities",
                    Map.of(
                            "id",
                            CommandsIT.entity("x-1"),
                            "type",
                            "Streetlight",
                            "dimmingLevel",
                            Map.of("type", "Property", "value", 1.0)));
            Mqtt5BlockingClient device = Mqtt5Client.builder()
                    .identifier("ext-lamp-" + run)
                    .serverHost("127.0.0.1")
                    .serverPort(1883)
                    .buildBlocking();
            device.connect();
            String prefix = "citytwin/" + tenant + "/devices/x-1/";
            try (var publishes = device.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
                device.subscribeWith()
                        .topicFilter(prefix + "commands")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send();
                CommandsIT.setDimming(api, "x-1", 0.6);
                // the entity's creation (dimmingLevel 1.0) may have sent a first command: wait for the operator's
                Map<String, Object> cmd;
                do {
                    Mqtt5Publish p = publishes
                            .receive(30, TimeUnit.SECONDS)
                            .orElseThrow(() -> new AssertionError("no command through Mosquitto"));
                    cmd = new ObjectMapper().readValue(p.getPayloadAsBytes(), Map.class);
                } while (!Integer.valueOf(60).equals(cmd.get("value")));
                assertThat(cmd).containsEntry("name", "dim").containsEntry("value", 60);
                device.publishWith()
                        .topic(prefix + "commands/ack")
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("{\"id\":\"" + cmd.get("id") + "\",\"status\":\"OK\"}")
                                .getBytes(StandardCharsets.UTF_8))
                        .send();
                CommandsIT.await(
                        () -> CommandsIT.status(api, "x-1").get("value"), "OK"::equals, "status OK via Mosquitto");
            } finally {
                device.disconnect();
            }
        }
    }
}
