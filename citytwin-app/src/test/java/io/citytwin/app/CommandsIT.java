package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.citytwin.testkit.FakeClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands down to devices on a real node: an operator's NGSI-LD change of a command attribute reaches the device
 * (MQTT through the embedded broker, and the HTTP poll), the device's acknowledgement is recorded on the entity as
 * {@code <attribute>_status}, offline devices get their queue when they subscribe, unanswered commands expire on the
 * node's (fake) clock, the ACL keeps devices to their own command topics, and pending commands survive a restart.
 */
class CommandsIT {
    static final String D = "/iot/v1/devices";
    static final String TENANT = "cmd";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static FakeClock clock = new FakeClock(Instant.parse("2026-11-21T12:00:00Z"));
    static Node node;
    static Api api;
    static int mqttPort;

    @BeforeAll
    static void start() throws IOException {
        mqttPort = MqttIT.freePort();
        node = Node.start(config(dir, mqttPort), clock, Map.of());
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", TENANT);
    }

    static CityTwinConfig config(Path data, int port) {
        CityTwinConfig base = CityTwinConfig.defaults().override(0, "127.0.0.1", data);
        return new CityTwinConfig(
                base.dataDir(),
                base.http(),
                base.store(),
                base.contexts(),
                base.history(),
                base.mqtt().withPort(port).withCommands(Duration.ofMinutes(5), 10));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String entity(String id) {
        return "urn:ngsi-ld:Streetlight:" + id;
    }

    static void registerLamp(Api a, String id, String token) {
        Api.Res r = a.post(
                D,
                Map.of(
                        "id",
                        id,
                        "entityId",
                        entity(id),
                        "entityType",
                        "Streetlight",
                        "credentials",
                        Map.of("token", token),
                        "mapping",
                        Map.of(
                                "dim",
                                Map.of("attribute", "dimmingLevel", "scale", 0.01, "command", true),
                                "p",
                                Map.of("attribute", "powerConsumption"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.obj().get("mapping").toString()).contains("command=true");
    }

    static Mqtt5BlockingClient connect(String id, String token) {
        Mqtt5BlockingClient c = Mqtt5Client.builder()
                .identifier("lamp-" + id + "-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(mqttPort)
                .buildBlocking();
        c.connectWith()
                .simpleAuth()
                .username(TENANT + "/" + id)
                .password(token.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth()
                .send();
        return c;
    }

    static String topic(String id, String kind) {
        return "citytwin/" + TENANT + "/devices/" + id + "/" + kind;
    }

    static Map<String, Object> keyValues(Api a, String id) {
        return a.get("/ngsi-ld/v1/entities/" + entity(id) + "?options=keyValues")
                .obj();
    }

    static Map<?, ?> status(Api a, String id) {
        Object s = a.get("/ngsi-ld/v1/entities/" + entity(id)).obj().get("dimmingLevel_status");
        return s instanceof Map<?, ?> m ? m : Map.of();
    }

    static void setDimming(Api a, String id, double value) {
        Api.Res r = a.patch(
                "/ngsi-ld/v1/entities/" + entity(id) + "/attrs",
                Map.of("dimmingLevel", Map.of("type", "Property", "value", value)));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    static <T> T await(Supplier<T> value, java.util.function.Predicate<T> done, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        T v = value.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            v = value.get();
        }
        assertThat(done.test(v)).as(what + " (last: " + v + ")").isTrue();
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> command(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws Exception {
        Mqtt5Publish p = publishes.receive(30, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no command"));
        return JSON.readValue(p.getPayloadAsBytes(), Map.class);
    }

    static void ack(Mqtt5BlockingClient c, String id, Object commandId, String status, String info) {
        var r = c.publishWith()
                .topic(topic(id, "commands/ack"))
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(("{\"id\":\"" + commandId + "\",\"status\":\"" + status + "\",\"info\":\"" + info + "\"}")
                        .getBytes(StandardCharsets.UTF_8))
                .send();
        assertThat(r.getError()).isEmpty();
    }

    @Test
    void operatorChange_reachesTheDevice_andItsAckIsRecordedOnTheEntity() throws Exception {
        registerLamp(api, "l-1", "tok-l1-0123456789abcdef");
        Mqtt5BlockingClient c = connect("l-1", "tok-l1-0123456789abcdef");
        try (var publishes = c.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            c.subscribeWith()
                    .topicFilter(topic("l-1", "commands"))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            // the device's own report of the command attribute sends no command
            c.publishWith()
                    .topic(topic("l-1", "telemetry"))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"dim\": 100, \"p\": 40}".getBytes(StandardCharsets.UTF_8))
                    .send();
            assertThat(keyValues(api, "l-1")).containsEntry("dimmingLevel", 1.0);

            setDimming(api, "l-1", 0.3);
            Map<String, Object> cmd = command(publishes);
            assertThat(cmd)
                    .containsEntry("name", "dim")
                    .containsEntry("value", 30)
                    .containsKeys("id", "issuedAt");
            await(() -> status(api, "l-1").get("value"), "DELIVERED"::equals, "status DELIVERED");

            ack(c, "l-1", cmd.get("id"), "OK", "dimmed to 30%");
            Map<?, ?> s = await(() -> status(api, "l-1"), m -> "OK".equals(m.get("value")), "status OK");
            assertThat(((Map<?, ?>) s.get("commandId")).get("value")).isEqualTo(cmd.get("id"));
            assertThat(((Map<?, ?>) s.get("info")).get("value")).isEqualTo("dimmed to 30%");
            assertThat(publishes.receive(300, TimeUnit.MILLISECONDS))
                    .as("exactly one command: the device's telemetry was not echoed")
                    .isEmpty();
            Map<String, Object> stored =
                    api.get(D + "/l-1/commands/" + cmd.get("id")).obj();
            assertThat(stored).containsEntry("status", "OK").containsEntry("attribute", "dimmingLevel");
        } finally {
            c.disconnect();
        }
        assertThat(api.get("/metrics").body()).contains("citytwin_commands_acknowledged_total");
    }

    @Test
    void offlineDevice_getsItsQueuedCommand_whenItSubscribes() throws Exception {
        registerLamp(api, "l-2", "tok-l2-0123456789abcdef");
        Mqtt5BlockingClient first = connect("l-2", "tok-l2-0123456789abcdef");
        first.publishWith()
                .topic(topic("l-2", "telemetry"))
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"dim\": 80}".getBytes(StandardCharsets.UTF_8))
                .send();
        first.disconnect();

        setDimming(api, "l-2", 0.1);
        await(() -> status(api, "l-2").get("value"), "PENDING"::equals, "status PENDING while offline");

        Mqtt5BlockingClient c = connect("l-2", "tok-l2-0123456789abcdef");
        try (var publishes = c.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
            c.subscribeWith()
                    .topicFilter(topic("l-2", "commands"))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .send();
            Map<String, Object> cmd = command(publishes);
            assertThat(cmd).containsEntry("value", 10);
            ack(c, "l-2", cmd.get("id"), "ERROR", "driver fault");
            Map<?, ?> s = await(() -> status(api, "l-2"), m -> "ERROR".equals(m.get("value")), "status ERROR");
            assertThat(((Map<?, ?>) s.get("info")).get("value")).isEqualTo("driver fault");
        } finally {
            c.disconnect();
        }
    }

    @Test
    void unansweredCommand_expiresOnTheNodesClock() {
        registerLamp(api, "l-3", "tok-l3-0123456789abcdef");
        assertThat(api.withHeader("Authorization", "Bearer tok-l3-0123456789abcdef")
                        .post(D + "/l-3/telemetry", Map.of("dim", 100))
                        .status())
                .isEqualTo(204);
        setDimming(api, "l-3", 0.5);
        await(() -> status(api, "l-3").get("value"), "PENDING"::equals, "status PENDING");
        clock.advance(Duration.ofMinutes(6));
        Map<?, ?> s = await(
                () -> status(api, "l-3"),
                m -> "EXPIRED".equals(m.get("value"))
                        && String.valueOf(m.get("info")).contains("not delivered"),
                "status EXPIRED");
        assertThat(((Map<?, ?>) s.get("info")).get("value").toString()).contains("not delivered");
    }

    @Test
    void aDevice_mayOnlySubscribeToItsOwnCommands_andAckOnlyItsOwn() {
        registerLamp(api, "l-4", "tok-l4-0123456789abcdef");
        registerLamp(api, "l-5", "tok-l5-0123456789abcdef");
        Mqtt5BlockingClient c = connect("l-4", "tok-l4-0123456789abcdef");
        try {
            assertThat(MqttIT.suback(c, topic("l-5", "commands")))
                    .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(MqttIT.suback(c, topic("l-4", "commands/ack")))
                    .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(MqttIT.suback(c, "citytwin/" + TENANT + "/devices/+/commands"))
                    .containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(MqttIT.ack(c, topic("l-5", "commands/ack"), "{\"id\":\"x\",\"status\":\"OK\"}"))
                    .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(MqttIT.ack(c, topic("l-4", "commands"), "{}")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(MqttIT.suback(c, topic("l-4", "commands"))).doesNotContain(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void httpDevice_pollsItsCommands_andAcknowledgesThem() {
        Api.Res bad = api.post(
                D,
                Map.of(
                        "id",
                        "h-bad",
                        "entityId",
                        entity("h-bad"),
                        "entityType",
                        "Streetlight",
                        "credentials",
                        Map.of("token", "tok-hbad-0123456789abcdef"),
                        "mapping",
                        Map.of("dim", Map.of("attribute", "dimmingLevel", "command", "yes"))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("device.mapping-command-invalid");
        registerLamp(api, "h-1", "tok-h1-0123456789abcdef");
        Api device = api.withHeader("Authorization", "Bearer tok-h1-0123456789abcdef");
        assertThat(device.post(D + "/h-1/telemetry", Map.of("dim", 70)).status())
                .isEqualTo(204);
        assertThat(device.get(D + "/h-1/commands").list()).isEmpty();

        setDimming(api, "h-1", 0.45);
        await(() -> status(api, "h-1").get("value"), "PENDING"::equals, "status PENDING");
        Api.Res poll = device.get(D + "/h-1/commands");
        assertThat(poll.status()).isEqualTo(200);
        assertThat(poll.list()).hasSize(1);
        Map<?, ?> cmd = (Map<?, ?>) poll.list().get(0);
        assertThat(cmd.get("name")).isEqualTo("dim");
        assertThat(cmd.get("value")).isEqualTo(45);
        assertThat(status(api, "h-1").get("value")).isEqualTo("DELIVERED");

        assertThat(api.get(D + "/h-1/commands").status())
                .as("no device credentials")
                .isEqualTo(401);
        String ackPath = D + "/h-1/commands/" + cmd.get("id") + "/ack";
        assertThat(device.post(ackPath, Map.of("status", "MAYBE")).status()).isEqualTo(400);
        assertThat(device.post(ackPath, Map.of("status", "OK")).status()).isEqualTo(204);
        assertThat(device.post(ackPath, Map.of("status", "OK")).status()).isEqualTo(409);
        assertThat(device.post(D + "/h-1/commands/nope/ack", Map.of("status", "OK"))
                        .status())
                .isEqualTo(404);
        assertThat(status(api, "h-1").get("value")).isEqualTo("OK");
        assertThat(device.get(D + "/h-1/commands").list()).isEmpty();
    }

    @Test
    void pendingCommands_surviveARestart(@TempDir Path other) throws Exception {
        int port = MqttIT.freePort();
        Node first = Node.start(config(other, port), clock, Map.of());
        try {
            Api a = new Api(first.httpPort()).withHeader("NGSILD-Tenant", TENANT);
            registerLamp(a, "r-1", "tok-r1-0123456789abcdef");
            // the device's own report creates the entity (no command for it)
            assertThat(a.withHeader("Authorization", "Bearer tok-r1-0123456789abcdef")
                            .post(D + "/r-1/telemetry", Map.of("dim", 100))
                            .status())
                    .isEqualTo(204);
            setDimming(a, "r-1", 0.25);
            await(() -> status(a, "r-1").get("value"), "PENDING"::equals, "status PENDING");
            Api device = a.withHeader("Authorization", "Bearer tok-r1-0123456789abcdef");
            assertThat(device.post(D + "/r-1/telemetry", Map.of("p", 12)).status())
                    .isEqualTo(204);
            assertThat(device.send("POST", D + "/r-1/telemetry", "{bad").status())
                    .isEqualTo(400);
        } finally {
            first.close();
        }
        try (Node second = Node.start(config(other, port), clock, Map.of())) {
            assertThat(second.commands().openCount()).isEqualTo(1);
            Api a = new Api(second.httpPort()).withHeader("NGSILD-Tenant", TENANT);
            assertThat(a.get(D + "/r-1/health").obj())
                    .containsEntry("state", "online")
                    .containsEntry("messagesReceived", 3)
                    .containsEntry("errors", 1);
            assertThat(a.get(D + "/r-1/deadletters").list()).hasSize(1);
            Mqtt5BlockingClient c = Mqtt5Client.builder()
                    .identifier("lamp-r1-" + UUID.randomUUID())
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .buildBlocking();
            c.connectWith()
                    .simpleAuth()
                    .username(TENANT + "/r-1")
                    .password("tok-r1-0123456789abcdef".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .send();
            try (var publishes = c.publishes(MqttGlobalPublishFilter.SUBSCRIBED)) {
                c.subscribeWith()
                        .topicFilter(topic("r-1", "commands"))
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send();
                assertThat(command(publishes)).containsEntry("value", 25);
            } finally {
                c.disconnect();
            }
        }
    }
}
