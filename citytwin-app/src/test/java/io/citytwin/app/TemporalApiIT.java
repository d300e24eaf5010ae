package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The temporal API beyond one entity's retrieval, through a real HTTP client against a real node: the temporal query
 * (every parameter), paging with Content-Range (a node with an instance limit of 5) and the temporal writes.
 */
class TemporalApiIT {
    static final String E = "/ngsi-ld/v1/entities";
    static final String T = "/ngsi-ld/v1/temporal/entities";
    static final String AQ = "urn:ngsi-ld:AirQualityObserved:";
    static final String ALL_TIME = "&timerel=before&timeAt=2100-01-01T00:00:00Z";

    @TempDir
    static Path dir;

    static Node node;
    static Api api;

    @BeforeAll
    static void start() {
        CityTwinConfig config =
                CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(0);
        config = config.withHistory(config.history().withInstanceLimit(5));
        node = Node.start(config, InstantSource.system(), Map.of());
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "tq");
        // aq1 in Berlin, pm25 10..19; aq2 in Paris, pm25 100..109; a reading every 10 minutes from midnight
        station("aq1", 13.40, 52.52, 10);
        station("aq2", 2.35, 48.85, 100);
        // aq3: history, then deleted from the twin
        station("aq3", 13.41, 52.53, 50);
        assertThat(api.delete(E + "/" + AQ + "aq3").status()).isEqualTo(204);
        // aq4: only ever written through the temporal API
        Map<String, Object> aq4 = new LinkedHashMap<>();
        aq4.put("id", AQ + "aq4");
        aq4.put("type", "AirQualityObserved");
        aq4.put(
                "pm25",
                List.of(
                        reading(1, "2026-11-21T00:00:00Z"),
                        reading(2, "2026-11-21T00:10:00Z"),
                        reading(3, "2026-11-21T00:20:00Z")));
        Api.Res created = api.post(T, aq4);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(T + "/" + AQ + "aq4");
        assertThat(api.post(
                                E,
                                Map.of(
                                        "id",
                                        "urn:ngsi-ld:Streetlight:s1",
                                        "type",
                                        "Streetlight",
                                        "status",
                                        Map.of(
                                                "type",
                                                "Property",
                                                "value",
                                                "ok",
                                                "observedAt",
                                                "2026-11-21T00:00:00Z")))
                        .status())
                .isEqualTo(201);
        node.flushHistory();
    }

    static void station(String id, double lon, double lat, int base) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", AQ + id);
        e.put("type", "AirQualityObserved");
        e.put("pm25", reading(base, time(0)));
        e.put("station", Map.of("type", "Property", "value", id + "-station"));
        e.put(
                "location",
                Map.of("type", "GeoProperty", "value", Map.of("type", "Point", "coordinates", List.of(lon, lat))));
        assertThat(api.post(E, e).status()).isEqualTo(201);
        for (int i = 1; i < 10; i++) {
            assertThat(api.patch(E + "/" + AQ + id + "/attrs", Map.of("pm25", reading(base + i, time(i))))
                            .status())
                    .isEqualTo(204);
        }
    }

    static String time(int i) {
        return String.format("2026-11-21T%02d:%02d:00Z", i * 10 / 60, i * 10 % 60);
    }

    static Map<String, Object> reading(int value, String at) {
        return Map.of("type", "Property", "value", value, "observedAt", at);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static List<String> ids(Api.Res res) {
        assertThat(res.status()).as(res.body()).isIn(200, 206);
        List<String> out = new ArrayList<>();
        for (Object o : res.list()) {
            out.add((String) ((Map<?, ?>) o).get("id"));
        }
        return out;
    }

    static List<?> values(Object entity, String attr) {
        return (List<?>) ((Map<?, ?>) ((Map<?, ?>) entity).get(attr)).get("values");
    }

    // ------------------------------------------------------------------ query

    @Test
    void query_byType_findsTwinEntities_deletedOnes_andTemporalOnlyOnes() {
        assertThat(ids(api.get(T + "?type=AirQualityObserved" + ALL_TIME)))
                .containsExactly(AQ + "aq1", AQ + "aq2", AQ + "aq3", AQ + "aq4");
        assertThat(ids(api.get(T + "?type=Streetlight" + ALL_TIME))).containsExactly("urn:ngsi-ld:Streetlight:s1");
        assertThat(ids(api.get(T + "?type=AirQualityObserved,Streetlight" + ALL_TIME)))
                .hasSize(5);
        assertThat(ids(api.get(T + "?type=Nothing" + ALL_TIME))).isEmpty();
    }

    @Test
    void query_byIdAndIdPattern() {
        assertThat(ids(api.get(T + "?id=" + AQ + "aq2," + AQ + "aq3" + ALL_TIME)))
                .containsExactly(AQ + "aq2", AQ + "aq3");
        assertThat(ids(api.get(T + "?idPattern=" + Api.enc("aq[14]$") + ALL_TIME)))
                .containsExactly(AQ + "aq1", AQ + "aq4");
    }

    @Test
    void query_attrs_selectsEntitiesAndAttributes() {
        Api.Res res = api.get(T + "?type=AirQualityObserved&attrs=station" + ALL_TIME);
        assertThat(ids(res)).containsExactly(AQ + "aq1", AQ + "aq2", AQ + "aq3").as("aq4 has no station");
        Map<?, ?> first = (Map<?, ?>) res.list().get(0);
        assertThat(new ArrayList<Object>(first.keySet())).containsExactly("id", "type", "station");
        assertThat(((Map<?, ?>) ((List<?>) first.get("station")).get(0)).get("instanceId"))
                .asString()
                .startsWith("urn:");
    }

    @Test
    void query_q_matchesTheStateWithinTheWindow() {
        assertThat(ids(api.get(T + "?type=AirQualityObserved&q=" + Api.enc("pm25>105") + ALL_TIME)))
                .containsExactly(AQ + "aq2");
        assertThat(ids(api.get(T + "?q=" + Api.enc("pm25<3") + ALL_TIME))).containsExactly(AQ + "aq4");
        // within 00:00-00:30 aq1 went up to 12 only; after 00:30 it went above 15
        String early = "&timerel=between&timeAt=2026-11-21T00:00:00Z&endTimeAt=2026-11-21T00:30:00Z";
        assertThat(ids(api.get(T + "?id=" + AQ + "aq1&q=" + Api.enc("pm25>15") + early)))
                .isEmpty();
        assertThat(ids(api.get(T + "?id=" + AQ + "aq1&q=" + Api.enc("pm25>15") + ALL_TIME)))
                .containsExactly(AQ + "aq1");
        // the state at the window's start counts: station was set at midnight, never again
        assertThat(ids(api.get(T + "?type=AirQualityObserved&q=" + Api.enc("station==\"aq2-station\"")
                        + "&timerel=after&timeAt=2026-11-21T01:00:00Z")))
                .containsExactly(AQ + "aq2");
    }

    @Test
    void query_geo_nearAndWithin() {
        String near = "&georel=" + Api.enc("near;maxDistance==5000") + "&geometry=Point&coordinates="
                + Api.enc("[13.40,52.52]");
        assertThat(ids(api.get(T + "?type=AirQualityObserved" + near + ALL_TIME)))
                .containsExactly(AQ + "aq1", AQ + "aq3");
        String france = "&georel=within&geometry=Polygon&coordinates="
                + Api.enc("[[[0,45],[5,45],[5,50],[0,50],[0,45]]]") + "&geoproperty=location";
        assertThat(ids(api.get(T + "?type=AirQualityObserved" + france + ALL_TIME)))
                .containsExactly(AQ + "aq2");
    }

    @Test
    void query_timerel_lastN_temporalValues_aggregation() {
        String base = T + "?id=" + AQ + "aq1&attrs=pm25&options=temporalValues";
        List<?> between = values(
                api.get(base + "&timerel=between&timeAt=2026-11-21T00:30:00Z&endTimeAt=2026-11-21T01:00:00Z")
                        .list()
                        .get(0),
                "pm25");
        assertThat(between)
                .isEqualTo(List.of(
                        List.of(13, "2026-11-21T00:30:00.000Z"),
                        List.of(14, "2026-11-21T00:40:00.000Z"),
                        List.of(15, "2026-11-21T00:50:00.000Z")));
        assertThat(values(
                        api.get(base + "&timerel=after&timeAt=2026-11-21T01:20:00Z")
                                .list()
                                .get(0),
                        "pm25"))
                .isEqualTo(List.of(List.of(19, "2026-11-21T01:30:00.000Z")));
        assertThat(values(api.get(base + "&lastN=2" + ALL_TIME).list().get(0), "pm25"))
                .isEqualTo(List.of(List.of(18, "2026-11-21T01:20:00.000Z"), List.of(19, "2026-11-21T01:30:00.000Z")));
        Map<?, ?> agg = (Map<?, ?>) api.get(T + "?id=" + AQ + "aq1&attrs=pm25&aggrMethods=avg,max,stddev"
                        + "&aggrPeriodDuration=PT1H&timerel=between&timeAt=2026-11-21T00:00:00Z"
                        + "&endTimeAt=2026-11-21T02:00:00Z")
                .list()
                .get(0);
        Map<?, ?> pm = (Map<?, ?>) agg.get("pm25");
        assertThat(pm.get("avg"))
                .isEqualTo(List.of(
                        List.of(12.5, "2026-11-21T00:00:00.000Z", "2026-11-21T01:00:00.000Z"),
                        List.of(17.5, "2026-11-21T01:00:00.000Z", "2026-11-21T02:00:00.000Z")));
        assertThat(((List<?>) ((List<?>) pm.get("max")).get(1)).get(0)).isEqualTo(19);
        assertThat((Double) ((List<?>) ((List<?>) pm.get("stddev")).get(0)).get(0))
                .isCloseTo(Math.sqrt(35.0 / 12), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void query_timeproperty_modifiedAt_usesWhenTheInstanceWasStored() {
        // observedAt is 2026-11-21T00:xx; the instances were stored now, after that
        String early = "&timerel=before&timeAt=2026-11-21T00:30:00Z&attrs=pm25";
        assertThat(ids(api.get(T + "?id=" + AQ + "aq1" + early))).containsExactly(AQ + "aq1");
        assertThat(ids(api.get(T + "?id=" + AQ + "aq1" + early + "&timeproperty=observedAt")))
                .containsExactly(AQ + "aq1");
        assertThat(ids(api.get(T + "?id=" + AQ + "aq1" + early + "&timeproperty=modifiedAt")))
                .isEmpty();
        assertThat(ids(api.get(
                        T + "?id=" + AQ + "aq1&timerel=after&timeAt=2026-11-21T00:30:00Z&timeproperty=createdAt")))
                .containsExactly(AQ + "aq1");
        assertThat(api.get(T + "?id=" + AQ + "aq1" + early + "&timeproperty=deletedAt")
                        .errorTitle())
                .isEqualTo("BadRequestData");
    }

    @Test
    void query_limitOffsetCount() {
        Api.Res res = api.get(T + "?type=AirQualityObserved&limit=2&offset=1&count=true&attrs=station" + ALL_TIME);
        assertThat(ids(res)).containsExactly(AQ + "aq2", AQ + "aq3");
        assertThat(res.header("NGSILD-Results-Count")).isEqualTo("3");
        Api.Res countOnly = api.get(T + "?type=AirQualityObserved&limit=0&count=true" + ALL_TIME);
        assertThat(ids(countOnly)).isEmpty();
        assertThat(countOnly.header("NGSILD-Results-Count")).isEqualTo("4");
        assertThat(api.get(T + "?type=AirQualityObserved&limit=100000" + ALL_TIME)
                        .errorTitle())
                .isEqualTo("TooManyResults");
    }

    @Test
    void query_badRequests_giveProblemDetails() {
        assertThat(api.get(T + "?timerel=before&timeAt=2100-01-01T00:00:00Z").errorTitle())
                .isEqualTo("BadRequestData")
                .as("unrestricted");
        assertThat(api.get(T + "?type=AirQualityObserved").errorTitle()).isEqualTo("BadRequestData");
        assertThat(api.get(T + "?type=AirQualityObserved&timerel=during&timeAt=2100-01-01T00:00:00Z")
                        .errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.get(T + "?type=AirQualityObserved&q=" + Api.enc("pm25>>1") + ALL_TIME)
                        .errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.get(T + "?type=AirQualityObserved&georel=near&geometry=Point" + ALL_TIME)
                        .errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.get(T + "?idPattern=" + Api.enc("([") + ALL_TIME).errorTitle())
                .isEqualTo("BadRequestData");
    }

    @Test
    void queryPost_bodyQuery_answersLikeTheGetQuery() {
        String post = "/ngsi-ld/v1/temporal/entityOperations/query";
        Map<String, Object> all = Map.of("timerel", "after", "timeAt", "2000-01-01T00:00:00Z");
        assertThat(ids(api.post(
                        post,
                        Map.of(
                                "type",
                                "Query",
                                "entities",
                                List.of(Map.of("type", "AirQualityObserved")),
                                "q",
                                "pm25>105",
                                "temporalQ",
                                all))))
                .containsExactly(AQ + "aq2");
        assertThat(ids(api.post(
                        post,
                        Map.of(
                                "type",
                                "Query",
                                "entities",
                                List.of(Map.of("id", AQ + "aq2"), Map.of("id", AQ + "aq3")),
                                "attrs",
                                List.of("station"),
                                "temporalQ",
                                all))))
                .containsExactly(AQ + "aq2", AQ + "aq3");
        assertThat(ids(api.post(
                        post,
                        Map.of(
                                "type",
                                "Query",
                                "entities",
                                List.of(Map.of("type", "AirQualityObserved")),
                                "geoQ",
                                Map.of(
                                        "georel", "near;maxDistance==5000",
                                        "geometry", "Point",
                                        "coordinates", List.of(13.40, 52.52)),
                                "temporalQ",
                                all))))
                .containsExactly(AQ + "aq1", AQ + "aq3");
        Api.Res lastN = api.post(
                post + "?options=temporalValues",
                Map.of(
                        "type",
                        "Query",
                        "entities",
                        List.of(Map.of("id", AQ + "aq1")),
                        "attrs",
                        List.of("pm25"),
                        "temporalQ",
                        Map.of("lastN", 2)));
        assertThat(values(lastN.list().get(0), "pm25")).hasSize(2);
        assertThat(api.post(post, Map.of("type", "Subscription")).errorTitle()).isEqualTo("BadRequestData");
        assertThat(api.post(post, Map.of("type", "Query", "entities", "x")).errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.post(post, Map.of("type", "Query", "entities", List.of(Map.of("type", "AirQualityObserved"))))
                        .errorTitle())
                .as("no temporalQ: no timerel")
                .isEqualTo("BadRequestData");
    }

    // ------------------------------------------------------------------ paging

    @Test
    void paging_forward_206WithContentRange_thenTheRest() {
        Api.Res first = api.get(T + "/" + AQ + "aq1?attrs=pm25&options=temporalValues");
        assertThat(first.status()).isEqualTo(206);
        assertThat(first.header("Content-Range"))
                .isEqualTo("date-time 2026-11-21T00:00:00.000Z-2026-11-21T00:40:00.000Z/*");
        assertThat(values(first.obj(), "pm25")).hasSize(5);
        Api.Res rest = api.get(
                T + "/" + AQ + "aq1?attrs=pm25&options=temporalValues&timerel=after&timeAt=2026-11-21T00:40:00.000Z");
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.header("Content-Range")).isNull();
        assertThat(values(rest.obj(), "pm25")).hasSize(5);
        assertThat(((List<?>) values(rest.obj(), "pm25").get(0)).get(0)).isEqualTo(15);
        // a query pages all its entities at one instant
        Api.Res query =
                api.get(T + "?id=" + AQ + "aq1," + AQ + "aq2&attrs=pm25&timerel=after&timeAt=2026-11-21T00:05:00Z");
        assertThat(query.status()).isEqualTo(206);
        assertThat(query.header("Content-Range"))
                .isEqualTo("date-time 2026-11-21T00:05:00.000Z-2026-11-21T00:50:00.000Z/*");
        for (Object e : query.list()) {
            assertThat((List<?>) ((Map<?, ?>) e).get("pm25")).hasSize(5);
        }
    }

    @Test
    void paging_backward_withLastN() {
        Api.Res within = api.get(T + "/" + AQ + "aq1?attrs=pm25&options=temporalValues&lastN=3");
        assertThat(within.status()).as("lastN within the limit is not partial").isEqualTo(200);
        assertThat(values(within.obj(), "pm25")).hasSize(3);
        Api.Res beyond = api.get(T + "/" + AQ + "aq1?attrs=pm25&options=temporalValues&lastN=8"
                + "&timerel=before&timeAt=2026-11-21T02:00:00Z");
        assertThat(beyond.status()).isEqualTo(206);
        assertThat(beyond.header("Content-Range"))
                .isEqualTo("date-time 2026-11-21T02:00:00.000Z-2026-11-21T00:50:00.000Z/8");
        assertThat(values(beyond.obj(), "pm25")).hasSize(5);
        Api.Res aggregated = api.get(T + "/" + AQ + "aq1?attrs=pm25&aggrMethods=totalCount&aggrPeriodDuration=PT0S");
        assertThat(aggregated.status()).as("aggregations are not paged").isEqualTo(200);
        assertThat(((List<?>) ((List<?>) ((Map<?, ?>) aggregated.obj().get("pm25")).get("totalCount")).get(0)).get(0))
                .isEqualTo(10);
    }

    // ------------------------------------------------------------------ writes

    @Test
    void writes_createAppendPatchAndDeleteInstances() {
        String id = "urn:ngsi-ld:Vehicle:v1";
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("type", "Vehicle");
        v.put("speed", List.of(reading(50, "2026-11-20T10:00:00Z"), reading(60, "2026-11-20T10:01:00Z")));
        v.put(
                "fuel",
                List.of(
                        Map.of("type", "Property", "value", 0.5, "observedAt", "2026-11-20T10:00:00Z"),
                        Map.of(
                                "type",
                                "Property",
                                "value",
                                0.4,
                                "observedAt",
                                "2026-11-20T10:00:00Z",
                                "datasetId",
                                "urn:ngsi-ld:Dataset:backup")));
        assertThat(api.post(T, v).status()).isEqualTo(201);
        assertThat(api.post(T, Map.of("id", id, "type", "Vehicle", "speed", reading(70, "2026-11-20T10:02:00Z")))
                        .status())
                .as("the same id again appends")
                .isEqualTo(204);
        assertThat(api.post(T + "/" + id + "/attrs", Map.of("speed", List.of(reading(80, "2026-11-20T10:03:00Z"))))
                        .status())
                .isEqualTo(204);

        Map<String, Object> e = api.get(T + "/" + id + "?attrs=speed").obj();
        List<?> speed = (List<?>) e.get("speed");
        assertThat(speed).hasSize(4);
        assertThat(e.get("type")).isEqualTo("Vehicle");
        String second = (String) ((Map<?, ?>) speed.get(1)).get("instanceId");
        assertThat(second).startsWith("urn:");
        assertThat(api.get(T + "/" + id + "?attrs=speed").obj()).isEqualTo(e).as("instanceIds are stable");

        assertThat(api.patch(T + "/" + id + "/attrs/speed/" + second, Map.of("type", "Property", "value", 65))
                        .status())
                .isEqualTo(204);
        List<?> patched = (List<?>) api.get(T + "/" + id + "?attrs=speed").obj().get("speed");
        assertThat(((Map<?, ?>) patched.get(1)).get("value")).isEqualTo(65);
        assertThat(((Map<?, ?>) patched.get(1)).get("instanceId")).isEqualTo(second);
        assertThat(((Map<?, ?>) patched.get(1)).get("observedAt")).isEqualTo("2026-11-20T10:01:00.000Z");

        assertThat(api.delete(T + "/" + id + "/attrs/speed/" + second).status()).isEqualTo(204);
        assertThat((List<?>) api.get(T + "/" + id + "?attrs=speed").obj().get("speed"))
                .hasSize(3);
        assertThat(api.delete(T + "/" + id + "/attrs/speed/" + second).errorTitle())
                .isEqualTo("ResourceNotFound");
        assertThat(api.patch(T + "/" + id + "/attrs/speed/urn:ngsi-ld:none", Map.of("value", 1))
                        .errorTitle())
                .isEqualTo("ResourceNotFound");

        // datasetId, then deleteAll, then the entity
        assertThat(api.delete(T + "/" + id + "/attrs/fuel?datasetId=urn:ngsi-ld:Dataset:backup")
                        .status())
                .isEqualTo(204);
        assertThat((List<?>) api.get(T + "/" + id + "?attrs=fuel").obj().get("fuel"))
                .hasSize(1);
        assertThat(api.delete(T + "/" + id + "/attrs/fuel?deleteAll=true").status())
                .isEqualTo(204);
        assertThat(api.get(T + "/" + id + "?attrs=fuel").obj()).doesNotContainKey("fuel");
        assertThat(api.delete(T + "/" + id + "/attrs/fuel").errorTitle()).isEqualTo("ResourceNotFound");
        assertThat(api.delete(T + "/" + id).status()).isEqualTo(204);
        assertThat(api.get(T + "/" + id).errorTitle()).isEqualTo("ResourceNotFound");
        assertThat(api.delete(T + "/" + id).errorTitle()).isEqualTo("ResourceNotFound");
    }

    @Test
    void writes_explicitInstanceIds_andBadRequests() {
        String id = "urn:ngsi-ld:Vehicle:v2";
        Map<String, Object> inst = new LinkedHashMap<>(reading(1, "2026-11-20T10:00:00Z"));
        inst.put("instanceId", "urn:ngsi-ld:my:instance:1");
        assertThat(api.post(T, Map.of("id", id, "type", "Vehicle", "speed", List.of(inst)))
                        .status())
                .isEqualTo(201);
        List<?> speed = (List<?>) api.get(T + "/" + id).obj().get("speed");
        assertThat(((Map<?, ?>) speed.get(0)).get("instanceId")).isEqualTo("urn:ngsi-ld:my:instance:1");
        // two instances of one series without observedAt in one request get distinct ids
        assertThat(api.post(
                                T + "/" + id + "/attrs",
                                Map.of(
                                        "note",
                                        List.of(
                                                Map.of("type", "Property", "value", "a"),
                                                Map.of("type", "Property", "value", "b"))))
                        .status())
                .isEqualTo(204);
        List<?> notes = (List<?>) api.get(T + "/" + id + "?attrs=note").obj().get("note");
        assertThat(notes).hasSize(2);
        assertThat(((Map<?, ?>) notes.get(0)).get("instanceId"))
                .isNotEqualTo(((Map<?, ?>) notes.get(1)).get("instanceId"));

        assertThat(api.post(T, Map.of("id", "urn:ngsi-ld:Vehicle:v3", "speed", reading(1, "2026-11-20T10:00:00Z")))
                        .errorTitle())
                .isEqualTo("BadRequestData")
                .as("no type");
        assertThat(api.post(T, Map.of("id", "not a uri", "type", "Vehicle")).errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.post(T, Map.of("id", "urn:ngsi-ld:Vehicle:v3", "type", "Vehicle", "speed", List.of(1, 2)))
                        .errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.post(T + "/urn:ngsi-ld:Vehicle:none/attrs", Map.of("speed", reading(1, "2026-11-20T10:00:00Z")))
                        .errorTitle())
                .isEqualTo("ResourceNotFound");
        assertThat(api.delete(T + "/" + id + "/attrs/speed?deleteAll=true&datasetId=urn:x:1")
                        .errorTitle())
                .isEqualTo("BadRequestData");
    }
}
