package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history written from the change events, read through the temporal API with a real HTTP client. */
class TemporalIT {
    static final String E = "/ngsi-ld/v1/entities";
    static final String T = "/ngsi-ld/v1/temporal/entities/";

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
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "temporal");
        String id = "urn:ngsi-ld:AirQualityObserved:a1";
        assertThat(api.post(
                                E,
                                Map.of(
                                        "id",
                                        id,
                                        "type",
                                        "AirQualityObserved",
                                        "pm25",
                                        Map.of("type", "Property", "value", 10, "observedAt", "2026-11-21T00:00:00Z"),
                                        "station",
                                        Map.of("type", "Property", "value", "north")))
                        .status())
                .isEqualTo(201);
        // one reading every 10 minutes for 2 hours: 10, 11, ..., 22
        for (int i = 1; i <= 12; i++) {
            String t = String.format("2026-11-21T%02d:%02d:00Z", i * 10 / 60, i * 10 % 60);
            assertThat(api.patch(
                                    E + "/" + id + "/attrs",
                                    Map.of("pm25", Map.of("type", "Property", "value", 10 + i, "observedAt", t)))
                            .status())
                    .isEqualTo(204);
        }
        node.flushHistory();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void historySwitchedOff_keepsNoHistoryDatabase_andHasNoTemporalApi(@TempDir Path off) {
        try (Node n = Node.start(
                CityTwinConfig.defaults()
                        .override(0, "127.0.0.1", off)
                        .withMqttPort(0)
                        .withHistory(false),
                InstantSource.system(),
                Map.of())) {
            Api a = new Api(n.httpPort());
            assertThat(a.post(E, Map.of("id", "urn:x:nohist", "type", "T", "v", Map.of("type", "Property", "value", 1)))
                            .status())
                    .isEqualTo(201);
            assertThat(a.get(T + "urn:x:nohist").status()).isNotEqualTo(200);
        }
        assertThat(off.resolve("history.db")).doesNotExist();
    }

    @Test
    void wholeHistory_normalized_inTimeOrder() {
        Map<String, Object> e =
                api.get(T + "urn:ngsi-ld:AirQualityObserved:a1?attrs=pm25").obj();
        assertThat(e)
                .containsEntry("id", "urn:ngsi-ld:AirQualityObserved:a1")
                .containsEntry("type", "AirQualityObserved");
        List<?> pm = (List<?>) e.get("pm25");
        assertThat(pm).hasSize(13);
        assertThat(((Map<?, ?>) pm.get(0)).get("value")).isEqualTo(10);
        assertThat(((Map<?, ?>) pm.get(12)).get("value")).isEqualTo(22);
        assertThat(((Map<?, ?>) pm.get(12)).get("observedAt")).isEqualTo("2026-11-21T02:00:00.000Z");
        assertThat(e).doesNotContainKey("station").as("only the asked attribute");
    }

    @Test
    void timerelAndLastN_andTemporalValues() {
        String base = T + "urn:ngsi-ld:AirQualityObserved:a1?attrs=pm25&options=temporalValues";
        Map<String, Object> between = api.get(
                        base + "&timerel=between&timeAt=2026-11-21T00:30:00Z&endTimeAt=2026-11-21T01:00:00Z")
                .obj();
        assertThat(((Map<?, ?>) between.get("pm25")).get("values"))
                .isEqualTo(List.of(
                        List.of(13, "2026-11-21T00:30:00.000Z"),
                        List.of(14, "2026-11-21T00:40:00.000Z"),
                        List.of(15, "2026-11-21T00:50:00.000Z")));
        Map<String, Object> before =
                api.get(base + "&timerel=before&timeAt=2026-11-21T00:10:00Z").obj();
        assertThat((List<?>) ((Map<?, ?>) before.get("pm25")).get("values")).hasSize(1);
        Map<String, Object> after =
                api.get(base + "&timerel=after&timeAt=2026-11-21T01:50:00Z").obj();
        assertThat((List<?>) ((Map<?, ?>) after.get("pm25")).get("values")).hasSize(1);
        Map<String, Object> last = api.get(base + "&lastN=2").obj();
        assertThat(((Map<?, ?>) last.get("pm25")).get("values"))
                .isEqualTo(List.of(List.of(21, "2026-11-21T01:50:00.000Z"), List.of(22, "2026-11-21T02:00:00.000Z")));
    }

    @Test
    void aggregationPerHour() {
        Map<String, Object> agg = api.get(T + "urn:ngsi-ld:AirQualityObserved:a1?attrs=pm25"
                        + "&timerel=between&timeAt=2026-11-21T00:00:00Z&endTimeAt=2026-11-21T02:00:00Z"
                        + "&aggrMethods=avg,max,totalCount&aggrPeriodDuration=PT1H")
                .obj();
        Map<?, ?> pm = (Map<?, ?>) agg.get("pm25");
        // hour 0: 10..15 (6 values), hour 1: 16..21
        assertThat(pm.get("avg"))
                .isEqualTo(List.of(
                        List.of(12.5, "2026-11-21T00:00:00.000Z", "2026-11-21T01:00:00.000Z"),
                        List.of(18.5, "2026-11-21T01:00:00.000Z", "2026-11-21T02:00:00.000Z")));
        assertThat(((List<?>) ((List<?>) pm.get("max")).get(1)).get(0)).isEqualTo(21);
        assertThat(((List<?>) ((List<?>) pm.get("totalCount")).get(0)).get(0)).isEqualTo(6);
    }

    @Test
    void badTemporalRequests_givePreciseErrors() {
        String base = T + "urn:ngsi-ld:AirQualityObserved:a1";
        assertThat(api.get(base + "?timerel=during&timeAt=2026-11-21T00:00:00Z").errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.get(base + "?timerel=before").status()).isEqualTo(400);
        assertThat(api.get(base + "?timerel=between&timeAt=2026-11-21T02:00:00Z&endTimeAt=2026-11-21T01:00:00Z")
                        .status())
                .isEqualTo(400);
        assertThat(api.get(base + "?aggrMethods=median").status()).isEqualTo(400);
        assertThat(api.get(base + "?aggrMethods=avg&aggrPeriodDuration=P1X").status())
                .isEqualTo(400);
        assertThat(api.get(T + "urn:ngsi-ld:AirQualityObserved:none").status()).isEqualTo(404);
    }
}
