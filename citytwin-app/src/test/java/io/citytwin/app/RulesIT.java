package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules and alarms through a real node and real HTTP: a rule created through the API, entities fed through the
 * NGSI-LD API, the alarm in /api/v1/alarms and as an Alert entity, acknowledged, cleared, deduplicated, kept across a
 * restart; rule files hot-reloaded, an invalid one rejected while the previous version keeps running.
 */
class RulesIT {
    @TempDir
    Path dir;

    private Node start(List<String> packs) {
        return Node.start(
                CityTwinConfig.defaults()
                        .override(0, "127.0.0.1", dir)
                        .withMqttPort(0)
                        .withRules(new CityTwinConfig.Rules(true, null, packs, Duration.ofMillis(100))),
                InstantSource.system(),
                Map.of());
    }

    private static final Object[] lastSeen = new Object[1];

    private static void await(String what, BooleanSupplier condition) {
        lastSeen[0] = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out waiting for " + what + (lastSeen[0] == null ? "" : "; last: " + lastSeen[0]));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static <T> T awaitValue(String what, Supplier<T> value, java.util.function.Predicate<T> ok) {
        Object[] last = new Object[1];
        await(what, () -> {
            T v = value.get();
            last[0] = v;
            lastSeen[0] = v;
            return ok.test(v);
        });
        @SuppressWarnings("unchecked")
        T t = (T) last[0];
        return t;
    }

    private static Map<String, Object> prop(Object v) {
        return Map.of("type", "Property", "value", v);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstAlarm(Api api, String query) {
        List<Object> l = api.get("/api/v1/alarms?" + query).list();
        return l.isEmpty() ? Map.of() : (Map<String, Object>) l.get(0);
    }

    @Test
    void ruleFromTheApi_raisesAnAlarm_lifecycleAndDedup_andAlarmsSurviveARestart() {
        String sensor = "urn:ngsi-ld:Sensor:s1";
        String alarmId;
        try (Node node = start(List.of())) {
            Api api = new Api(node.httpPort());
            Api.Res created = api.put(
                    "/api/v1/rules/test.hot",
                    Map.of(
                            "scope", Map.of("types", List.of("Sensor")),
                            "when", Map.of("attribute", "temperature", "above", 30, "clear", 25),
                            "then",
                                    List.of(Map.of(
                                            "alarm",
                                            Map.of(
                                                    "type",
                                                    "test.hot",
                                                    "severity",
                                                    "critical",
                                                    "description",
                                                    "{id} at {temperature} C")))));
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.obj()).containsEntry("version", 1).containsEntry("source", "api");
            assertThat(api.put(
                                    "/api/v1/rules/test.burst",
                                    Map.of(
                                            "scope", Map.of("types", List.of("Sensor")),
                                            "when", Map.of("attribute", "errors", "above", 0),
                                            "then",
                                                    List.of(Map.of(
                                                            "alarm",
                                                            Map.of(
                                                                    "type",
                                                                    "device.decode-errors",
                                                                    "autoClear",
                                                                    false)))))
                            .status())
                    .isEqualTo(201);

            assertThat(api.post(
                                    "/ngsi-ld/v1/entities",
                                    Map.of("id", sensor, "type", "Sensor", "temperature", prop(20), "errors", prop(0)))
                            .status())
                    .isEqualTo(201);
            api.patch("/ngsi-ld/v1/entities/" + sensor + "/attrs", Map.of("temperature", prop(35.5)));
            Map<String, Object> alarm =
                    awaitValue("the hot alarm", () -> firstAlarm(api, "type=test.hot"), m -> !m.isEmpty());
            alarmId = (String) alarm.get("id");
            assertThat(alarm)
                    .containsEntry("state", "active")
                    .containsEntry("severity", "critical")
                    .containsEntry("domain", "test")
                    .containsEntry("originator", sensor)
                    .containsEntry("originatorType", "Sensor")
                    .containsEntry("rule", "test.hot")
                    .containsEntry("description", sensor + " at 35.5 C")
                    .containsEntry("count", 1);
            assertThat(api.get("/api/v1/alarms?type=test.hot").header("X-Total-Count"))
                    .isEqualTo("1");
            assertThat(api.get("/api/v1/alarms/summary").obj()).containsEntry("open", 1);

            Map<String, Object> alert = api.get("/ngsi-ld/v1/entities/" + alarmId + "?options=keyValues")
                    .obj();
            assertThat(alert)
                    .containsEntry("type", "Alert")
                    .containsEntry("category", "test")
                    .containsEntry("subCategory", "test.hot")
                    .containsEntry("severity", "critical")
                    .containsEntry("alertSource", sensor)
                    .containsEntry("alarmState", "active");
            assertThat(api.get("/ngsi-ld/v1/entities?type=Alert&q=alarmState==%22active%22&count=true")
                            .header("NGSILD-Results-Count"))
                    .isEqualTo("1");

            Api.Res ack =
                    api.post("/api/v1/alarms/" + alarmId + "/acknowledge", Map.of("by", "alice", "note", "on it"));
            assertThat(ack.status()).isEqualTo(200);
            assertThat(ack.obj()).containsEntry("state", "acknowledged").containsEntry("acknowledgedBy", "alice");

            // the rule clears it when the temperature is back below the clear level
            api.patch("/ngsi-ld/v1/entities/" + sensor + "/attrs", Map.of("temperature", prop(24)));
            Map<String, Object> cleared = awaitValue(
                    "the rule to clear",
                    () -> api.get("/api/v1/alarms/" + alarmId).obj(),
                    m -> "cleared".equals(m.get("state")));
            assertThat(cleared).containsEntry("clearedBy", "rule:test.hot").containsEntry("acknowledgedBy", "alice");
            assertThat(api.get("/api/v1/alarms?type=test.hot").list()).isEmpty();
            assertThat(api.get("/api/v1/alarms?type=test.hot&state=cleared").list())
                    .hasSize(1);

            // dedup: three bursts while open are one alarm with count 3
            for (int i = 0; i < 3; i++) {
                assertThat(api.patch("/ngsi-ld/v1/entities/" + sensor + "/attrs", Map.of("errors", prop(1)))
                                .status())
                        .isEqualTo(204);
                assertThat(api.patch("/ngsi-ld/v1/entities/" + sensor + "/attrs", Map.of("errors", prop(0)))
                                .status())
                        .isEqualTo(204);
            }
            Map<String, Object> burst = awaitValue(
                    "three occurrences", () -> firstAlarm(api, "type=device.decode-errors"), m -> Integer.valueOf(3)
                            .equals(m.get("count")));
            assertThat(api.get("/api/v1/alarms?type=device.decode-errors").list())
                    .hasSize(1);
            Api.Res clear = api.post("/api/v1/alarms/" + burst.get("id") + "/clear", Map.of("by", "bob"));
            assertThat(clear.obj()).containsEntry("state", "cleared").containsEntry("clearedBy", "bob");

            assertThat(api.get("/api/v1/rules/test.hot/trace").list())
                    .anySatisfy(t -> assertThat(((Map<?, ?>) t).get("result")).isEqualTo("raised"));
            assertThat(api.get("/api/v1/alarms/urn:ngsi-ld:Alert:nope").status())
                    .isEqualTo(404);
            assertThat(api.get("/api/v1/alarms?severity=awful").status()).isEqualTo(400);
        }
        try (Node node = start(List.of())) {
            Api api = new Api(node.httpPort());
            assertThat(api.get("/api/v1/alarms/" + alarmId).obj())
                    .containsEntry("state", "cleared")
                    .containsEntry("acknowledgedBy", "alice");
            assertThat(api.get("/api/v1/alarms?state=active,acknowledged,cleared")
                            .header("X-Total-Count"))
                    .isEqualTo("2");
            assertThat(api.get("/api/v1/rules/test.hot").obj()).containsEntry("version", 1);
            // the rule still runs after the restart
            api.patch("/ngsi-ld/v1/entities/" + sensor + "/attrs", Map.of("temperature", prop(40)));
            awaitValue("a new alarm after restart", () -> firstAlarm(api, "type=test.hot"), m -> !m.isEmpty());
        }
    }

    @Test
    void invalidRules_areRefusedWithEveryProblem() {
        try (Node node = start(List.of())) {
            Api api = new Api(node.httpPort());
            Map<String, Object> bad = Map.of(
                    "scope", Map.of("types", List.of()),
                    "when", Map.of("attribute", "t", "above", "hot"),
                    "then", List.of(Map.of("alarm", Map.of("type", "NoDomain"))));
            Api.Res v = api.post(
                    "/api/v1/rules/validate",
                    Map.of("id", "x", "scope", bad.get("scope"), "when", bad.get("when"), "then", bad.get("then")));
            assertThat(v.status()).isEqualTo(200);
            assertThat(v.obj()).containsEntry("valid", false);
            assertThat(v.obj().get("problems").toString()).contains("scope.types", "when.above", "then[0].alarm.type");
            Api.Res put = api.put("/api/v1/rules/x", bad);
            assertThat(put.status()).isEqualTo(400);
            assertThat(put.obj()).containsEntry("code", "rule.invalid").containsKey("problems");
            assertThat(api.get("/api/v1/rules/x").status()).isEqualTo(404);
            assertThat(api.delete("/api/v1/rules/x").status()).isEqualTo(404);
        }
    }

    @Test
    void ruleFiles_areHotReloaded_andAnInvalidFileKeepsThePreviousVersion() throws Exception {
        try (Node node = start(null)) {
            Api api = new Api(node.httpPort());
            assertThat(api.get("/api/v1/rules").list())
                    .as("the bundled packs")
                    .extracting(r -> (Object) ((Map<?, ?>) r).get("id"))
                    .contains(
                            "lighting.lamp-failure",
                            "traffic.incident",
                            "water.leak",
                            "environment.pollution",
                            "energy.abnormal-load",
                            "device.offline",
                            "device.decode-errors");
            Path file = node.rulesDir().orElseThrow().resolve("level.yaml");
            Files.writeString(
                    file,
                    """
                    id: file.level
                    scope: {types: [Tank]}
                    when: {attribute: level, above: 5}
                    then:
                      - alarm: {type: water.tank-level}
                    """);
            awaitValue("the file rule", () -> api.get("/api/v1/rules/file.level"), r -> r.status() == 200);
            assertThat(api.get("/api/v1/rules/file.level").obj())
                    .containsEntry("source", "file")
                    .containsEntry("origin", "level.yaml");
            api.post("/ngsi-ld/v1/entities", Map.of("id", "urn:ngsi-ld:Tank:1", "type", "Tank", "level", prop(7)));
            awaitValue("the tank alarm", () -> firstAlarm(api, "type=water.tank-level"), m -> !m.isEmpty());

            Files.writeString(
                    file,
                    """
                    id: file.level
                    scope: {types: [Tank]}
                    when: {attribute: level, above: lots}
                    then: []
                    """);
            awaitValue("the rejection", node::ruleFileErrors, e -> e.containsKey("level.yaml"));
            assertThat(node.ruleFileErrors().get("level.yaml")).contains("level.yaml", "when.above");
            assertThat(api.get("/api/v1/rules/file.level").status())
                    .as("previous version kept")
                    .isEqualTo(200);

            Files.writeString(
                    file,
                    """
                    id: file.level
                    version: 2
                    scope: {types: [Tank]}
                    when: {attribute: level, above: 50}
                    then:
                      - alarm: {type: water.tank-level}
                    """);
            awaitValue("version 2", () -> api.get("/api/v1/rules/file.level").obj(), r -> Integer.valueOf(2)
                    .equals(r.get("version")));
            assertThat(node.ruleFileErrors()).doesNotContainKey("level.yaml");
            Files.delete(file);
            awaitValue("the rule to go", () -> api.get("/api/v1/rules/file.level"), r -> r.status() == 404);
        }
    }
}
