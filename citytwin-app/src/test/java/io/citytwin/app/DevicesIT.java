package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device API and HTTP telemetry of a real node, through a real HTTP client. */
class DevicesIT {
    static final String D = "/iot/v1/devices";

    @TempDir
    static Path dir;

    static Node node;
    static Api api;

    @BeforeAll
    static void start() {
        node = Node.start(
                CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(0),
                InstantSource.system(),
                Map.of());
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "iot");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Map<String, Object> weatherStation(String id, Map<String, Object> credentials, String format) {
        return Map.of(
                "id",
                id,
                "entityId",
                "urn:ngsi-ld:WeatherObserved:" + id,
                "entityType",
                "WeatherObserved",
                "credentials",
                credentials,
                "format",
                format,
                "mapping",
                Map.of(
                        "t", Map.of("attribute", "temperature", "unitCode", "CEL", "type", "number"),
                        "h", Map.of("attribute", "relativeHumidity", "type", "integer", "scale", 0.01)));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tokenDevice_registers_withoutEverShowingItsSecret_andFeedsItsEntity() {
        Api.Res created = api.post(D, weatherStation("ws-1", Map.of("token", "s3cret-token-0123456789"), "json"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(D + "/ws-1");
        assertThat(created.body()).doesNotContain("s3cret-token-0123456789");
        assertThat(api.get(D + "/ws-1").obj())
                .containsEntry("entityType", "WeatherObserved")
                .containsEntry("credentials", Map.of("kind", "token"));
        assertThat(api.post(D, weatherStation("ws-1", Map.of("token", "x-token-0123456789abcdef"), "json"))
                        .status())
                .isEqualTo(409);

        String telemetry = D + "/ws-1/telemetry";
        String good = "{\"t\": 21.5, \"h\": 40, \"ts\": \"2026-11-21T10:00:00Z\"}";
        assertThat(api.post(telemetry, good).status()).as("no credentials").isEqualTo(401);
        Api.Res wrong = api.post(telemetry, good, "Authorization", "Bearer nope");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.errorTitle()).isEqualTo("Unauthorized");
        assertThat(api.post(telemetry, good, "Authorization", "Bearer s3cret-token-0123456789")
                        .status())
                .isEqualTo(204);

        Map<String, Object> e =
                api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:ws-1").obj();
        assertThat(e.get("temperature"))
                .isEqualTo(Map.of(
                        "type",
                        "Property",
                        "value",
                        21.5,
                        "unitCode",
                        "CEL",
                        "observedAt",
                        "2026-11-21T10:00:00.000Z"));
        assertThat(((Map<?, ?>) e.get("relativeHumidity")).get("value")).isEqualTo(0); // 40 * 0.01 rounded

        // several readings in one payload: applied in order, the last is the current value
        String two = "[{\"t\": 1, \"ts\": \"2026-11-21T10:01:00Z\"}, {\"t\": 2, \"ts\": \"2026-11-21T10:02:00Z\"}]";
        assertThat(api.post(telemetry, two, "Authorization", "Bearer s3cret-token-0123456789")
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:ws-1?options=keyValues")
                        .obj())
                .containsEntry("temperature", 2);

        // bad input: a precise error, nothing else affected
        Api.Res malformed = api.post(telemetry, "{\"t\": ", "Authorization", "Bearer s3cret-token-0123456789");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat((String) malformed.obj().get("detail")).contains("not valid JSON");
        Api.Res partial =
                api.post(telemetry, "{\"t\": \"warm\", \"h\": 100}", "Authorization", "Bearer s3cret-token-0123456789");
        assertThat(partial.status()).isEqualTo(207);
        assertThat(partial.obj().get("problems").toString()).contains("t");
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:ws-1?options=keyValues")
                        .obj())
                .containsEntry("temperature", 2)
                .containsEntry("relativeHumidity", 1);
    }

    @Test
    void passwordDevice_sendsCompactText_withBasicAuth_forItsOwnIdOnly() {
        assertThat(api.post(D, weatherStation("ws-2", Map.of("username", "ws2", "password", "pw-2"), "compact"))
                        .status())
                .isEqualTo(201);
        assertThat(api.post(D, weatherStation("ws-3", Map.of("username", "ws3", "password", "pw-3"), "compact"))
                        .status())
                .isEqualTo(201);
        assertThat(api.post(
                                D + "/ws-2/telemetry",
                                "t|22.5|h|41",
                                "Content-Type",
                                "text/plain",
                                "Authorization",
                                basic("ws2", "pw-2"))
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:WeatherObserved:ws-2?options=keyValues")
                        .obj())
                .containsEntry("temperature", 22.5);
        assertThat(api.post(D + "/ws-3/telemetry", "t|1", "Authorization", basic("ws2", "pw-2"))
                        .status())
                .as("ws2's credentials for ws-3")
                .isEqualTo(401);
        assertThat(api.post(D + "/ws-2/telemetry", "t|1", "Authorization", basic("ws2", "wrong"))
                        .status())
                .isEqualTo(401);
        assertThat(api.post(D + "/ws-2/telemetry", "t|1|h", "Authorization", basic("ws2", "pw-2"))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void registry_listsPerTenant_updates_andDeletes() {
        Api other = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "iot-other");
        assertThat(other.post(D, weatherStation("ws-9", Map.of("token", "t9-token-0123456789abc"), "json"))
                        .status())
                .isEqualTo(201);
        assertThat(api.get(D + "/ws-9").status()).isEqualTo(404);
        Api.Res list = other.get(D + "?limit=10");
        assertThat(list.list()).hasSize(1);
        assertThat(list.header("NGSILD-Results-Count")).isEqualTo("1");
        assertThat(other.patch(
                                D + "/ws-9",
                                Map.of("format", "compact", "credentials", Map.of("token", "t9-new-token-0123456789")))
                        .status())
                .isEqualTo(204);
        assertThat(other.get(D + "/ws-9").obj()).containsEntry("format", "compact");
        assertThat(other.post(D + "/ws-9/telemetry", "t|5", "Authorization", "Bearer t9")
                        .status())
                .as("old token after the change")
                .isEqualTo(401);
        assertThat(other.post(D + "/ws-9/telemetry", "t|5", "Authorization", "Bearer t9-new-token-0123456789")
                        .status())
                .isEqualTo(204);
        assertThat(other.delete(D + "/ws-9").status()).isEqualTo(204);
        assertThat(other.post(D + "/ws-9/telemetry", "t|5", "Authorization", "Bearer t9-new-token-0123456789")
                        .status())
                .isEqualTo(401);
        assertThat(other.get(D + "/ws-9").status()).isEqualTo(404);
        assertThat(api.post(
                                D,
                                Map.of(
                                        "id",
                                        "bad id!",
                                        "entityId",
                                        "urn:x:1",
                                        "entityType",
                                        "T",
                                        "credentials",
                                        Map.of("token", "x-token-0123456789abcdef")))
                        .status())
                .isEqualTo(400);
        assertThat(api.post(D, Map.of("id", "nocreds", "entityId", "urn:x:1", "entityType", "T"))
                        .status())
                .isEqualTo(400);
        Api.Res shortToken = api.post(
                D,
                Map.of("id", "short", "entityId", "urn:x:1", "entityType", "T", "credentials", Map.of("token", "abc")));
        assertThat(shortToken.status()).isEqualTo(400);
        assertThat(shortToken.body()).contains("at least 20 characters");
        assertThat(api.get("/metrics").body()).contains("citytwin_ingest_http_total");
        assertThat(List.of(api.get(D + "?limit=1001").status())).containsExactly(403);
    }
}
