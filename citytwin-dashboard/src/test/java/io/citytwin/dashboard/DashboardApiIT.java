package io.citytwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's map endpoints and static files over real HTTP: 2,000 streetlights and 100 air stations on a grid,
 * created through the NGSI-LD batch API.
 */
class DashboardApiIT {
    static final String ALL = "13.2,52.4,13.5,52.6";
    static TestNode node;
    static TestNode capped;

    @BeforeAll
    static void start() {
        node = new TestNode(DashboardOptions.defaults());
        node.lamps(2000);
        List<Object> air = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Map<String, Object> e = TestNode.entity(
                    "urn:ngsi-ld:AirQualityObserved:" + i,
                    "AirQualityObserved",
                    TestNode.lon(i) + 0.0005,
                    TestNode.lat(i) + 0.0005);
            e.put("pm25", TestNode.prop(i < 10 ? 60.0 : 5.0)); // ten stations "Unhealthy"
            air.add(e);
        }
        node.upsert(air);
        capped = new TestNode(DashboardOptions.defaults().withLimits(16, 100, 5));
        capped.lamps(2000);
    }

    @AfterAll
    static void stop() {
        node.close();
        capped.close();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    @Test
    void lowZoom_givesCells_countingEveryEntityOnce_withWorstState() {
        Map<String, Object> r =
                node.get("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=12").obj();
        assertThat(r).containsEntry("mode", "cells").containsEntry("total", 2100);
        List<Map<String, Object>> cells = list(r, "cells");
        assertThat(cells).isNotEmpty().hasSizeLessThan(2100);
        int sum = 0;
        Set<String> ids = new HashSet<>();
        boolean bad = false;
        for (Map<String, Object> c : cells) {
            sum += ((Number) c.get("count")).intValue();
            assertThat(ids.add((String) c.get("h3"))).isTrue();
            assertThat((List<?>) c.get("boundary")).hasSizeBetween(10, 20); // 5-6 vertices (pentagons have 5) + pairs
            bad |= ((Number) c.get("worst")).intValue() == 3;
        }
        assertThat(sum).isEqualTo(2100);
        assertThat(bad).as("the unhealthy air stations make some cells red").isTrue();
        assertThat(r.get("resolution")).isEqualTo(MapIndex.resolutionFor(12));
    }

    @Test
    void layers_selectWhatIsCounted() {
        Map<String, Object> r = node.get("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=12&layers=air")
                .obj();
        assertThat(r).containsEntry("total", 100);
        for (Map<String, Object> c : list(r, "cells")) {
            assertThat((Map<String, Object>) c.get("layers")).containsOnlyKeys("air");
        }
        Map<String, Object> none = node.get("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=12&layers=")
                .obj();
        assertThat(none).containsEntry("total", 0);
    }

    @Test
    void highZoom_givesPoints_onlyInsideTheBox() {
        // columns 0..9 and rows 0..3 of the lamp grid: 40 lamps (and the air stations in between)
        String bbox = "13.2999,52.4999,13.3091,52.5031";
        Map<String, Object> r = node.get("/api/v1/dashboard/map?bbox=" + bbox + "&zoom=17&layers=lighting")
                .obj();
        assertThat(r).containsEntry("mode", "points").containsEntry("total", 40).containsEntry("truncated", false);
        for (Map<String, Object> p : list(r, "points")) {
            double lon = ((Number) p.get("lon")).doubleValue();
            double lat = ((Number) p.get("lat")).doubleValue();
            assertThat(lon).isBetween(13.2999, 13.3091);
            assertThat(lat).isBetween(52.4999, 52.5031);
            assertThat(p)
                    .containsEntry("layer", "lighting")
                    .containsEntry("state", "on")
                    .containsEntry("severity", 1);
        }
    }

    @Test
    void points_areCapped_worstFirst_andSayHowManyThereAre() {
        Map<String, Object> r =
                capped.get("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=18").obj();
        assertThat(r)
                .containsEntry("mode", "points")
                .containsEntry("total", 2000)
                .containsEntry("truncated", true);
        assertThat(list(r, "points")).hasSize(100);
    }

    @Test
    void cells_areCapped_byGoingCoarser() {
        Map<String, Object> r =
                capped.get("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=15").obj();
        assertThat(r).containsEntry("mode", "cells").containsEntry("total", 2000);
        assertThat(list(r, "cells")).hasSizeLessThanOrEqualTo(5);
        assertThat(((Number) r.get("resolution")).intValue()).isLessThan(MapIndex.resolutionFor(15));
    }

    @Test
    void modeParameter_overridesTheZoomRule() {
        Map<String, Object> r = node.get("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=17&mode=cells")
                .obj();
        assertThat(r).containsEntry("mode", "cells");
    }

    @Test
    void badParameters_areProblemDetails() {
        assertProblem("/api/v1/dashboard/map?zoom=12", "dashboard.bbox");
        assertProblem("/api/v1/dashboard/map?bbox=1,2,3&zoom=12", "dashboard.bbox");
        assertProblem("/api/v1/dashboard/map?bbox=a,2,3,4&zoom=12", "dashboard.bbox");
        assertProblem("/api/v1/dashboard/map?bbox=10,50,9,51&zoom=12", "dashboard.bbox");
        assertProblem("/api/v1/dashboard/map?bbox=" + ALL, "dashboard.zoom");
        assertProblem("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=99", "dashboard.zoom");
        assertProblem("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=1.5", "dashboard.zoom");
        assertProblem("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=12&layers=lighting,ufo", "dashboard.layer");
        assertProblem("/api/v1/dashboard/map?bbox=" + ALL + "&zoom=12&mode=all", "dashboard.mode");
        assertProblem("/api/v1/dashboard/live?bbox=" + ALL + "&zoom=-1", "dashboard.zoom");
        TestNode.Res r = node.post("/api/v1/dashboard/live/nobody/view?bbox=" + ALL + "&zoom=12", Map.of());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.obj()).containsEntry("code", "dashboard.no-such-client");
    }

    private static void assertProblem(String path, String code) {
        TestNode.Res r = node.get(path);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.obj())
                .containsEntry("code", code)
                .containsEntry("type", "https://uri.etsi.org/ngsi-ld/errors/BadRequestData")
                .containsKey("detail");
    }

    @Test
    void base_hasDistrictsAndRoads_fromTheTwin() {
        node.upsert(List.of(Map.of(
                "id",
                "urn:ngsi-ld:District:d1",
                "type",
                "District",
                "name",
                TestNode.prop("Mitte"),
                "location",
                Map.of(
                        "type",
                        "GeoProperty",
                        "value",
                        Map.of(
                                "type",
                                "Polygon",
                                "coordinates",
                                List.of(List.of(
                                        List.of(13.3, 52.5),
                                        List.of(13.35, 52.5),
                                        List.of(13.35, 52.55),
                                        List.of(13.3, 52.5))))))));
        Map<String, Object> base = node.get("/api/v1/dashboard/base").obj();
        assertThat(base).containsEntry("type", "FeatureCollection");
        assertThat(list(base, "features")).anySatisfy(f -> assertThat((Map<String, Object>) f.get("properties"))
                .containsEntry("kind", "district")
                .containsEntry("name", "Mitte"));
        // the config carries the districts' box, so the page can ask for its first view before the base arrives
        assertThat(node.get("/api/v1/dashboard/config").obj().get("bounds"))
                .isEqualTo(List.of(13.3, 52.5, 13.35, 52.55));
    }

    @Test
    void config_listsLayersWithCounts() {
        Map<String, Object> c = node.get("/api/v1/dashboard/config").obj();
        assertThat(c).containsEntry("pointZoom", 16).containsEntry("tiles", null);
        assertThat(list(c, "layers"))
                .anySatisfy(l -> assertThat(l).containsEntry("id", "lighting").containsEntry("count", 2000));
    }

    @Test
    void page_andWebJars_areServedFromTheJar() {
        TestNode.Res page = node.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("/dashboard/app.js").contains("leaflet.js");
        for (String f : List.of(
                "/dashboard/app.js",
                "/dashboard/dashboard.css",
                "/dashboard/i18n/zh.json",
                "/webjars/leaflet/1.9.4/dist/leaflet.js",
                "/webjars/leaflet/1.9.4/dist/leaflet.css",
                "/webjars/echarts/5.3.1/dist/echarts.min.js")) {
            assertThat(node.get(f).status()).as(f).isEqualTo(200);
        }
        assertThat(node.get("/dashboard/app.js").header("Content-Type")).startsWith("text/javascript");
        assertThat(node.get("/dashboard/nope.js").status()).isEqualTo(404);
        assertThat(node.get("/dashboard/..%2Fweb%2Findex.html").status()).isEqualTo(404);
        assertThat(node.get("/webjars/../../io/citytwin/dashboard/Dashboard.class")
                        .status())
                .isIn(400, 404);
    }

    @Test
    void liveFeed_sendsChangesInTheView_notOthers() {
        // view: the first 10 x 4 lamps, point zoom
        String view = "bbox=13.2999,52.4999,13.3091,52.5031&zoom=17&layers=lighting";
        try (SseClient sse = new SseClient(node.http, node.base() + "/api/v1/dashboard/live?" + view)) {
            sse.await(e -> e.name().equals("hello"), Duration.ofSeconds(10));
            // outside the view first, then inside: the outside change must never arrive
            assertThat(node.patch(
                                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1999/attrs",
                                    Map.of("powerConsumption", TestNode.prop(0.5)))
                            .status())
                    .isEqualTo(204);
            assertThat(node.patch(
                                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:51/attrs",
                                    Map.of("powerConsumption", TestNode.prop(0.5)))
                            .status())
                    .isEqualTo(204);
            SseClient.Event e = sse.await(
                    x -> x.name().equals("points") && x.data().contains("Streetlight:51\""), Duration.ofSeconds(10));
            assertThat(e.data()).contains("\"state\":\"failed\"").contains("\"severity\":3");
            assertThat(sse.seen).noneMatch(x -> x.data().contains("Streetlight:1999\""));
            assertThat(node.dashboard.feed().stats())
                    .anySatisfy(s -> assertThat(s.bytes()).isPositive());
        } finally {
            node.patch(
                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:51/attrs",
                    Map.of("powerConsumption", TestNode.prop(95.0)));
            node.patch(
                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1999/attrs",
                    Map.of("powerConsumption", TestNode.prop(95.0)));
        }
    }

    @Test
    void liveFeed_viewChange_followsTheNewBox() {
        String first = "bbox=13.2999,52.4999,13.3091,52.5031&zoom=17&layers=lighting";
        try (SseClient sse = new SseClient(node.http, node.base() + "/api/v1/dashboard/live?" + first)) {
            SseClient.Event hello = sse.await(e -> e.name().equals("hello"), Duration.ofSeconds(10));
            String client = (String) read(hello.data()).get("client");
            // move the view to the top rows of the grid (lamp 1999 is at column 49, row 39)
            TestNode.Res r = node.post(
                    "/api/v1/dashboard/live/" + client + "/view?bbox=13.3485,52.5385,13.3495,52.5395&zoom=18"
                            + "&layers=lighting",
                    Map.of());
            assertThat(r.status()).isEqualTo(204);
            node.patch(
                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1999/attrs",
                    Map.of("powerState", TestNode.prop("off")));
            SseClient.Event e = sse.await(
                    x -> x.name().equals("points") && x.data().contains("Streetlight:1999\""), Duration.ofSeconds(10));
            assertThat(e.data()).contains("\"state\":\"off\"");
        } finally {
            node.patch(
                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:1999/attrs",
                    Map.of("powerState", TestNode.prop("on")));
        }
    }

    @Test
    void liveFeed_atLowZoom_sendsChangedCells() {
        String view = "bbox=" + ALL + "&zoom=12&layers=lighting";
        try (SseClient sse = new SseClient(node.http, node.base() + "/api/v1/dashboard/live?" + view)) {
            sse.await(e -> e.name().equals("hello"), Duration.ofSeconds(10));
            node.patch(
                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:700/attrs",
                    Map.of("powerConsumption", TestNode.prop(0.0)));
            SseClient.Event e = sse.await(
                    x -> x.name().equals("cells") && x.data().contains("\"worst\":3"), Duration.ofSeconds(15));
            assertThat(e.data()).contains("\"resolution\":" + MapIndex.resolutionFor(12));
            assertThat(sse.seen).noneMatch(x -> x.name().equals("points"));
        } finally {
            node.patch(
                    "/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:700/attrs",
                    Map.of("powerConsumption", TestNode.prop(95.0)));
        }
    }

    @Test
    void broadcast_reachesEveryClient() {
        String view = "bbox=" + ALL + "&zoom=12";
        try (SseClient a = new SseClient(node.http, node.base() + "/api/v1/dashboard/live?" + view);
                SseClient b = new SseClient(node.http, node.base() + "/api/v1/dashboard/live?" + view)) {
            a.await(e -> e.name().equals("hello"), Duration.ofSeconds(10));
            b.await(e -> e.name().equals("hello"), Duration.ofSeconds(10));
            String alarm = "{\"id\":\"urn:ngsi-ld:Alert:1\",\"severity\":\"critical\",\"state\":\"active\"}";
            node.dashboard.broadcast("alarm", alarm);
            assertThat(a.await(e -> e.name().equals("alarm"), Duration.ofSeconds(10))
                            .data())
                    .isEqualTo(alarm);
            assertThat(b.await(e -> e.name().equals("alarm"), Duration.ofSeconds(10))
                            .data())
                    .isEqualTo(alarm);
        }
    }

    static Map<String, Object> read(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = TestNode.JSON.readValue(json, Map.class);
            return m;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
