package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.citytwin.testkit.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices over MQTT on a real node with the embedded broker, through a real MQTT client (HiveMQ client, MQTT 5 and
 * 3.1.1): authentication at CONNECT, the topic ACL, durable QoS 1, dead letters, limits and the offline transition.
 */
class MqttIT {
    static final String D = "/iot/v1/devices";
    static final String TENANT = "iot";

    @TempDir
    static Path dir;

    static FakeClock clock = new FakeClock(Instant.parse("2026-11-21T12:00:00Z"));
    static Node node;
    static Api api;
    static int mqttPort;

    @BeforeAll
    static void start() throws IOException {
        mqttPort = freePort();
        CityTwinConfig base = CityTwinConfig.defaults().override(0, "127.0.0.1", dir);
        // limits small enough to test: 4 KiB messages; a burst of 6 and then (practically) no refill
        CityTwinConfig config = new CityTwinConfig(
                base.dataDir(),
                base.http(),
                base.store(),
                base.contexts(),
                base.history(),
                base.mqtt().withPort(mqttPort).withLimits(4096, 0.001, 6));
        node = Node.start(config, clock, Map.of());
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", TENANT);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static void register(String id, Map<String, Object> credentials) {
        Api.Res r = api.post(
                D,
                Map.of(
                        "id",
                        id,
                        "entityId",
                        "urn:ngsi-ld:WeatherObserved:" + id,
                        "entityType",
                        "WeatherObserved",
                        "credentials",
                        credentials,
                        "mapping",
                        Map.of("t", Map.of("attribute", "temperature", "unitCode", "CEL", "type", "number"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static Mqtt5BlockingClient connect5(String username, String password) {
        return connect5(username, password, null);
    }

    /** Connects with a will message to {@code willTopic} (none when null). */
    static Mqtt5BlockingClient connect5(String username, String password, @Nullable String willTopic) {
        Mqtt5BlockingClient c = Mqtt5Client.builder()
                .identifier("it-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(mqttPort)
                .buildBlocking();
        var connect = c.connectWith()
                .simpleAuth()
                .username(username)
                .password(password.getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth();
        if (willTopic != null) {
            connect = connect.willPublish()
                    .topic(willTopic)
                    .payload("{\"cmd\": \"open\"}".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .applyWillPublish();
        }
        connect.send();
        return c;
    }

    static Mqtt5PublishResult publish(Mqtt5BlockingClient c, String topic, String payload) {
        return c.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    static Mqtt5PubAckReasonCode ack(Mqtt5PublishResult r) {
        return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode();
    }

    /** The SUBACK reason codes of a subscription (the blocking client throws when all are errors). */
    static List<Mqtt5SubAckReasonCode> suback(Mqtt5BlockingClient c, String filter) {
        try {
            return c.subscribeWith().topicFilter(filter).send().getReasonCodes();
        } catch (Mqtt5SubAckException e) {
            return e.getMqttMessage().getReasonCodes();
        }
    }

    /** The PUBACK reason code of a QoS 1 publish (the blocking client throws for error codes). */
    static Mqtt5PubAckReasonCode ack(Mqtt5BlockingClient c, String topic, String payload) {
        try {
            return ack(publish(c, topic, payload));
        } catch (Mqtt5PubAckException e) {
            return e.getMqttMessage().getReasonCode();
        }
    }

    static String topic(String device, String kind) {
        return "citytwin/" + TENANT + "/devices/" + device + "/" + kind;
    }

    @Test
    void connect_withWrongOrUnknownCredentials_isRefusedWithBadUsernameOrPassword() {
        register("m-auth", Map.of("username", "m-auth-user", "password", "right"));
        assertThatThrownBy(() -> connect5("m-auth-user", "wrong"))
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        assertThatThrownBy(() -> connect5("nobody", "x"))
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD));
        Mqtt3BlockingClient v3 = Mqtt3Client.builder()
                .identifier("it-v3-" + UUID.randomUUID())
                .serverHost("127.0.0.1")
                .serverPort(mqttPort)
                .buildBlocking();
        assertThatThrownBy(() -> v3.connectWith()
                        .simpleAuth()
                        .username("m-auth-user")
                        .password("wrong".getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth()
                        .send())
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReturnCode())
                        .isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD));

        Mqtt5BlockingClient ok = connect5("m-auth-user", "right");
        ok.disconnect();
        String metrics = api.get("/metrics").body();
        assertThat(metrics).contains("citytwin_mqtt_refused_total{reason=\"connect-bad-credentials\"}");
        assertThat(metrics).contains("citytwin_mqtt_refused_total{reason=\"connect-unknown-device\"}");
    }

    @Test
    void qos1Telemetry_isInTheTwin_withObservedAt_whenThePubackArrives() {
        register("m-tel", Map.of("token", "tok-tel-0123456789abcdef"));
        Mqtt5BlockingClient c = connect5(TENANT + "/m-tel", "tok-tel-0123456789abcdef");
        try {
            assertThat(ack(c, topic("m-tel", "telemetry"), "{\"t\": 17.5, \"ts\": \"2026-11-21T11:59:00Z\"}"))
                    .isIn(Mqtt5PubAckReasonCode.SUCCESS, Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
            // no waiting: the PUBACK is sent only after the change is applied and durable
            Map<String, Object> e = api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:m-tel")
                    .obj();
            assertThat(e.get("temperature"))
                    .isEqualTo(Map.of(
                            "type",
                            "Property",
                            "value",
                            17.5,
                            "unitCode",
                            "CEL",
                            "observedAt",
                            "2026-11-21T11:59:00.000Z"));
            assertThat(((Map<?, ?>) e.get("deviceState")).get("value")).isEqualTo("online");

            // static attributes: no observedAt
            assertThat(ack(c, topic("m-tel", "attrs"), "{\"firmware\": \"1.2.3\"}"))
                    .isIn(Mqtt5PubAckReasonCode.SUCCESS, Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
            Map<?, ?> fw = (Map<?, ?>) api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:m-tel")
                    .obj()
                    .get("firmware");
            assertThat(fw.get("value")).isEqualTo("1.2.3");
            assertThat(fw.containsKey("observedAt")).isFalse();

            Map<String, Object> health = api.get(D + "/m-tel/health").obj();
            assertThat(health).containsEntry("state", "online").containsEntry("messagesReceived", 2);

            // silent for longer than the offline timeout: an observable change on the entity
            clock.advance(Duration.ofMinutes(11));
            assertThat(node.ingest().markOffline()).isGreaterThanOrEqualTo(1);
            assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:m-tel?options=keyValues")
                            .obj())
                    .containsEntry("deviceState", "offline");
            assertThat(api.get(D + "/m-tel/health").obj()).containsEntry("state", "offline");
            publish(c, topic("m-tel", "telemetry"), "{\"t\": 18}");
            assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:m-tel?options=keyValues")
                            .obj())
                    .containsEntry("deviceState", "online")
                    .containsEntry("temperature", 18);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void aDevice_mayUseOnlyItsOwnTopics() {
        register("m-acl", Map.of("username", "m-acl-user", "password", "pw"));
        register("m-other", Map.of("username", "m-other-user", "password", "pw"));
        Mqtt5BlockingClient c = connect5("m-acl-user", "pw");
        try {
            assertThat(ack(c, topic("m-other", "telemetry"), "{\"t\": 99}"))
                    .isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(ack(c, "some/other/topic", "{}")).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
            assertThat(suback(c, topic("m-other", "commands"))).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(suback(c, "citytwin/#")).containsExactly(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            Mqtt5SubAck own =
                    c.subscribeWith().topicFilter(topic("m-acl", "commands")).send();
            assertThat(own.getReasonCodes()).doesNotContain(Mqtt5SubAckReasonCode.NOT_AUTHORIZED);
            assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:m-other")
                            .status())
                    .isEqualTo(404);
        } finally {
            c.disconnect();
        }
        assertThat(api.get("/metrics").body()).contains("citytwin_mqtt_refused_total{reason=\"acl-publish\"}");
    }

    @Test
    void aWillMessage_mayGoOnlyToTheDevicesOwnTopics() {
        register("m-will", Map.of("username", "m-will-user", "password", "pw"));
        register("m-victim", Map.of("username", "m-victim-user", "password", "pw"));
        // a will to another device's commands would reach that device when this one drops: refused at CONNECT
        assertThatThrownBy(() -> connect5("m-will-user", "pw", topic("m-victim", "commands")))
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                                e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        Mqtt5BlockingClient own = connect5("m-will-user", "pw", topic("m-will", "telemetry"));
        try {
            assertThat(ack(own, topic("m-will", "telemetry"), "{\"t\": 3}")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        } finally {
            own.disconnect();
        }
    }

    @Test
    void malformedPayload_isAcknowledged_andKeptAsADeadLetter_withTheReason() {
        register("m-bad", Map.of("token", "tok-bad-0123456789abcdef"));
        Mqtt5BlockingClient c = connect5(TENANT + "/m-bad", "tok-bad-0123456789abcdef");
        try {
            publish(c, topic("m-bad", "telemetry"), "{\"t\": ");
            publish(c, topic("m-bad", "telemetry"), "{\"t\": 5}");
        } finally {
            c.disconnect();
        }
        List<Object> dead = api.get(D + "/m-bad/deadletters").list();
        assertThat(dead).hasSize(1);
        Map<?, ?> letter = (Map<?, ?>) dead.get(0);
        assertThat((String) letter.get("reason")).contains("not valid JSON");
        assertThat(letter.get("payload")).isEqualTo("{\"t\": ");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:m-bad?options=keyValues")
                        .obj())
                .containsEntry("temperature", 5);
        assertThat(api.get(D + "/m-bad/health").obj()).containsEntry("errors", 1);
        assertThat(api.get("/metrics").body()).contains("citytwin_ingest_decode_errors_total");
    }

    @Test
    void oversizedAndTooFrequentMessages_areRefused_counted_andDeadLettered() {
        register("m-lim", Map.of("token", "tok-lim-0123456789abcdef"));
        Mqtt5BlockingClient c = connect5(TENANT + "/m-lim", "tok-lim-0123456789abcdef");
        try {
            String big = "{\"t\": 1, \"pad\": \"" + "x".repeat(5000) + "\"}";
            assertThat(ack(c, topic("m-lim", "telemetry"), big))
                    .isEqualTo(Mqtt5PubAckReasonCode.PAYLOAD_FORMAT_INVALID);
            // the burst is 6 per device and the refill practically zero: the 7th and later are over the rate
            // (the oversized one was refused before it took a token)
            int refused = 0;
            for (int i = 0; i < 8; i++) {
                if (ack(c, topic("m-lim", "telemetry"), "{\"t\": " + i + "}") == Mqtt5PubAckReasonCode.QUOTA_EXCEEDED) {
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(2);
        } finally {
            c.disconnect();
        }
        List<Object> dead = api.get(D + "/m-lim/deadletters").list();
        assertThat(dead.toString()).contains("exceeds the limit of 4096").contains("rate limit");
        String metrics = api.get("/metrics").body();
        assertThat(metrics).contains("citytwin_mqtt_refused_total{reason=\"size\"}");
        assertThat(metrics).contains("citytwin_mqtt_refused_total{reason=\"rate\"}");
    }
}
