package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The NGSI-LD API of a real node (SQLite store in a temp dir) through a real HTTP client on a random port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NgsiLdApiIT {
    static final String E = "/ngsi-ld/v1/entities";
    static final String USER_CONTEXT_JSON =
            """
            {"@context": {"Streetlight": "https://example.org/city/Streetlight",
                          "status": "https://example.org/city/status",
                          "brightness": "https://example.org/city/brightness",
                          "refGroup": "https://example.org/city/refGroup"}}""";

    @TempDir
    static Path dir;

    Node node;
    Api api;
    HttpServer contextServer;
    final AtomicInteger contextFetches = new AtomicInteger();
    String userContextUrl;

    @BeforeAll
    void start() throws IOException {
        contextServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        contextServer.createContext("/ctx.jsonld", ex -> {
            contextFetches.incrementAndGet();
            byte[] b = USER_CONTEXT_JSON.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/ld+json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        contextServer.start();
        userContextUrl = "http://127.0.0.1:" + contextServer.getAddress().getPort() + "/ctx.jsonld";
        node = Node.start(
                CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(0),
                InstantSource.system(),
                Map.of());
        api = new Api(node.httpPort());
    }

    @AfterAll
    void stop() {
        node.close();
        contextServer.stop(0);
    }

    static Map<String, Object> lamp(String id, double lon, double lat, String status, int brightness) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("type", "Streetlight");
        e.put("status", Map.of("type", "Property", "value", status, "observedAt", "2026-11-20T18:00:00.000Z"));
        e.put("brightness", Map.of("type", "Property", "value", brightness, "unitCode", "P1"));
        e.put(
                "location",
                Map.of("type", "GeoProperty", "value", Map.of("type", "Point", "coordinates", List.of(lon, lat))));
        e.put("refGroup", Map.of("type", "Relationship", "object", "urn:ngsi-ld:StreetlightGroup:g1"));
        return e;
    }

    private void create(Api a, Map<String, Object> e) {
        assertThat(a.post(E, e).status()).as("create %s", e.get("id")).isEqualTo(201);
    }

    // ------------------------------------------------------------ create / retrieve

    @Test
    void create_thenRetrieve_roundTripsEveryAttributeKind() {
        Map<String, Object> e = lamp("urn:ngsi-ld:Streetlight:rt", 8.68, 49.41, "ok", 70);
        e.put("name", Map.of("type", "LanguageProperty", "languageMap", Map.of("en", "Main St", "de", "Hauptstr.")));
        e.put("category", Map.of("type", "VocabProperty", "vocab", "lighting"));
        e.put("config", Map.of("type", "JsonProperty", "json", Map.of("k", List.of(1, 2), "n", "x")));
        e.put("readings", Map.of("type", "ListProperty", "valueList", List.of(1, 2.5, "three")));
        e.put(
                "power",
                Map.of(
                        "type",
                        "Property",
                        "value",
                        42.5,
                        "unitCode",
                        "WTT",
                        "measuredBy",
                        Map.of("type", "Relationship", "object", "urn:ngsi-ld:Device:m1")));
        Api.Res c = api.post(E, e);
        assertThat(c.status()).isEqualTo(201);
        assertThat(c.header("Location")).isEqualTo(E + "/urn:ngsi-ld:Streetlight:rt");

        Api.Res r = api.get(E + "/urn:ngsi-ld:Streetlight:rt");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Link"))
                .contains("ngsi-ld-core-context")
                .contains("rel=\"http://www.w3.org/ns/json-ld#context\"");
        Map<String, Object> got = r.obj();
        assertThat(got).containsEntry("id", "urn:ngsi-ld:Streetlight:rt").containsEntry("type", "Streetlight");
        assertThat(got.get("status")).isEqualTo(e.get("status"));
        assertThat(got.get("brightness")).isEqualTo(e.get("brightness"));
        assertThat(got.get("location")).isEqualTo(e.get("location"));
        assertThat(got.get("refGroup")).isEqualTo(e.get("refGroup"));
        assertThat(got.get("name")).isEqualTo(e.get("name"));
        assertThat(got.get("config")).isEqualTo(e.get("config"));
        assertThat(got.get("readings")).isEqualTo(e.get("readings"));
        assertThat(got.get("power")).isEqualTo(e.get("power"));
    }

    @Test
    void create_existingId_isAlreadyExists409() {
        create(api, lamp("urn:ngsi-ld:Streetlight:dup", 1, 1, "ok", 1));
        Api.Res r = api.post(E, lamp("urn:ngsi-ld:Streetlight:dup", 1, 1, "ok", 1));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.obj()).containsEntry("type", "https://uri.etsi.org/ngsi-ld/errors/AlreadyExists");
    }

    @Test
    void badInput_givesPreciseProblemDetails() {
        assertThat(api.post(E, "{\"id\": ").status()).isEqualTo(400);
        assertThat(api.post(E, "{\"id\": \"urn:x:1\"}").errorTitle()).isEqualTo("BadRequestData"); // no type
        assertThat(api.post(E, "{\"id\": \"not a uri\", \"type\": \"T\"}").errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(api.post(E, "[1,2]").errorTitle()).isEqualTo("BadRequestData");
        Api.Res geo = api.post(
                E,
                Map.of(
                        "id",
                        "urn:x:geo",
                        "type",
                        "T",
                        "location",
                        Map.of(
                                "type",
                                "GeoProperty",
                                "value",
                                Map.of("type", "Point", "coordinates", List.of(500, 1)))));
        assertThat(geo.status()).isEqualTo(400);
        assertThat(api.get(E + "/urn:ngsi-ld:none:404").errorTitle()).isEqualTo("ResourceNotFound");
        assertThat(api.get(E + "/not-a-uri").status()).isEqualTo(400);
        Api.Res r415 = api.post(E, "<xml/>", "Content-Type", "application/xml");
        assertThat(r415.status()).isEqualTo(415);
        assertThat(api.get(E + "/urn:ngsi-ld:none:404", "Accept", "text/html").status())
                .isEqualTo(406);
        assertThat(api.get("/ngsi-ld/v1/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void catastrophicRegex_isTooComplexQuery_notAStuckCore() {
        Api t = api.withHeader("NGSILD-Tenant", "redos");
        create(
                t,
                Map.of(
                        "id",
                        "urn:ngsi-ld:Thing:redos",
                        "type",
                        "Thing",
                        "name",
                        Map.of("type", "Property", "value", "a".repeat(28) + "!")));
        long t0 = System.nanoTime();
        Api.Res r = t.get(E + "?type=Thing&q=" + Api.enc("name~=(.*a){12}$"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorTitle()).isEqualTo("TooComplexQuery");
        assertThat(t.get(E + "?type=Thing&idPattern=" + Api.enc("^(urn|urn:)*:ngsi-ld:(T|Th|Thi)+ing:x$"))
                        .status())
                .isLessThan(500);
        assertThat(System.nanoTime() - t0)
                .as("bounded work")
                .isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(20));
    }

    @Test
    void oversizedBody_is413_andTheNodeStaysHealthy() {
        String big = "{\"id\":\"urn:x:big\",\"type\":\"T\",\"p\":\"" + "x".repeat(2 << 20) + "\"}";
        Api.Res r = api.post(E, big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    // ------------------------------------------------------------ representations

    @Test
    void retrieve_keyValuesConciseSysAttrsPickOmit() {
        create(api, lamp("urn:ngsi-ld:Streetlight:fmt", 2, 2, "ok", 55));
        String id = E + "/urn:ngsi-ld:Streetlight:fmt";
        Map<String, Object> kv = api.get(id + "?options=keyValues").obj();
        assertThat(kv)
                .containsEntry("status", "ok")
                .containsEntry("brightness", 55)
                .containsEntry("refGroup", "urn:ngsi-ld:StreetlightGroup:g1");
        assertThat(api.get(id + "?format=simplified").obj()).containsEntry("status", "ok");
        Map<String, Object> concise = api.get(id + "?options=concise").obj();
        assertThat(concise.get("refGroup")).isEqualTo(Map.of("object", "urn:ngsi-ld:StreetlightGroup:g1"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sys =
                (Map<String, Object>) api.get(id + "?options=sysAttrs").obj().get("status");
        assertThat(sys).containsKeys("createdAt", "modifiedAt");
        assertThat(api.get(id + "?options=sysAttrs").obj()).containsKeys("createdAt", "modifiedAt");
        assertThat(api.get(id + "?attrs=status").obj()).containsOnlyKeys("id", "type", "status");
        assertThat(api.get(id + "?pick=id,brightness").obj()).containsOnlyKeys("id", "brightness");
        assertThat(api.get(id + "?omit=type,location,refGroup").obj()).containsOnlyKeys("id", "status", "brightness");
        assertThat(api.get(id + "?pick=id&omit=type").status()).isEqualTo(400);
        assertThat(api.get(id + "?options=bogus").status()).isEqualTo(400);
    }

    @Test
    void acceptLdJson_putsContextInBody_andGeoJsonGivesFeatures() {
        create(api, lamp("urn:ngsi-ld:Streetlight:ld", 3, 3, "ok", 1));
        Api.Res ld = api.get(E + "/urn:ngsi-ld:Streetlight:ld", "Accept", "application/ld+json");
        assertThat(ld.header("Content-Type")).startsWith("application/ld+json");
        assertThat(ld.obj()).containsKey("@context");
        Api.Res geo = api.get(E + "?type=Streetlight&id=urn:ngsi-ld:Streetlight:ld", "Accept", "application/geo+json");
        assertThat(geo.status()).isEqualTo(200);
        assertThat(geo.obj()).containsEntry("type", "FeatureCollection");
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) ((List<Object>) geo.obj().get("features")).get(0);
        assertThat(f).containsEntry("type", "Feature").containsEntry("id", "urn:ngsi-ld:Streetlight:ld");
        assertThat(f.get("geometry")).isEqualTo(Map.of("type", "Point", "coordinates", List.of(3.0, 3.0)));
    }

    @Test
    void languageProperty_withLang_rendersOneLanguage() {
        Map<String, Object> e = new LinkedHashMap<>(Map.of("id", "urn:ngsi-ld:Road:lang", "type", "Road"));
        e.put("name", Map.of("type", "LanguageProperty", "languageMap", Map.of("en", "High St", "de", "Hochstr.")));
        create(api, e);
        Map<String, Object> de = api.get(E + "/urn:ngsi-ld:Road:lang?lang=de").obj();
        @SuppressWarnings("unchecked")
        Map<String, Object> name = (Map<String, Object>) de.get("name");
        assertThat(name).containsEntry("value", "Hochstr.").containsEntry("lang", "de");
    }

    // ------------------------------------------------------------ JSON-LD contexts

    @Test
    void userContext_viaLink_isFetchedOnce_andCompactsResponses() {
        String link =
                "<" + userContextUrl + ">; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
        Api user = api.withHeader("Link", link);
        int before = contextFetches.get();
        create(user, lamp("urn:ngsi-ld:Streetlight:ctx1", 4, 4, "ok", 10));
        create(user, lamp("urn:ngsi-ld:Streetlight:ctx2", 4, 4, "ok", 10));
        Api.Res r = user.get(E + "/urn:ngsi-ld:Streetlight:ctx1");
        assertThat(r.obj()).containsEntry("type", "Streetlight").containsKey("status");
        assertThat(r.header("Link")).contains(userContextUrl);
        assertThat(contextFetches.get() - before).isLessThanOrEqualTo(1);
        // without the user context, the expanded IRIs show
        Map<String, Object> plain = api.get(E + "/urn:ngsi-ld:Streetlight:ctx1").obj();
        assertThat(plain)
                .containsEntry("type", "https://example.org/city/Streetlight")
                .containsKey("https://example.org/city/brightness")
                // status is a protected term of the core context: a user context cannot redefine it
                .containsKey("status");
        // query with the user's terms
        List<Object> found = user.get(E + "?type=Streetlight&q=status==%22ok%22&id=urn:ngsi-ld:Streetlight:ctx2")
                .list();
        assertThat(found).hasSize(1);
    }

    @Test
    void ldJsonBody_needsContext_andJsonBodyMustNotHaveOne() {
        Map<String, Object> e = lamp("urn:ngsi-ld:Streetlight:ldbody", 5, 5, "ok", 1);
        Api.Res noCtx = api.post(E, e, "Content-Type", "application/ld+json");
        assertThat(noCtx.status()).isEqualTo(400);
        Map<String, Object> withCtx = new LinkedHashMap<>(e);
        withCtx.put(
                "@context",
                List.of(userContextUrl, "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"));
        assertThat(api.post(E, withCtx, "Content-Type", "application/ld+json").status())
                .isEqualTo(201);
        assertThat(api.get(E + "/urn:ngsi-ld:Streetlight:ldbody").obj())
                .containsEntry("type", "https://example.org/city/Streetlight");
        assertThat(api.post(E, withCtx).status())
                .as("@context in an application/json body")
                .isEqualTo(400);
    }

    @Test
    void unreachableContext_isLdContextNotAvailable503() {
        String link = "<http://127.0.0.1:9/none.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"";
        Api.Res r = api.get(E + "?type=Streetlight", "Link", link);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorTitle()).isEqualTo("LdContextNotAvailable");
    }

    // ------------------------------------------------------------ query

    @Test
    void query_typeQGeoCountPaging() {
        Api t = api.withHeader("NGSILD-Tenant", "querytest");
        for (int i = 0; i < 30; i++) {
            create(
                    t,
                    lamp(
                            "urn:ngsi-ld:Streetlight:q" + (100 + i),
                            13.40 + i * 0.001,
                            52.52,
                            i % 3 == 0 ? "failed" : "ok",
                            i));
        }
        Api.Res all = t.get(E + "?type=Streetlight&count=true&limit=5");
        assertThat(all.list()).hasSize(5);
        assertThat(all.header("NGSILD-Results-Count")).isEqualTo("30");
        Api.Res failed = t.get(E + "?type=Streetlight&q=" + Api.enc("status==\"failed\"") + "&count=true&limit=100");
        assertThat(failed.header("NGSILD-Results-Count")).isEqualTo("10");
        assertThat(t.get(E + "?type=Streetlight&q=" + Api.enc("brightness>=10;brightness<20") + "&limit=100")
                        .list())
                .hasSize(10);
        assertThat(t.get(E + "?type=Streetlight&q=" + Api.enc("brightness==10..19") + "&limit=100")
                        .list())
                .hasSize(10);
        assertThat(t.get(E + "?type=Streetlight&q=" + Api.enc("(status==\"failed\"|brightness<2);brightness<4")
                                + "&limit=100")
                        .list())
                .hasSize(3); // 0, 1, 3
        assertThat(t.get(E + "?q=" + Api.enc("status~=fai.*") + "&limit=100").list())
                .hasSize(10);
        assertThat(t.get(E + "?q=" + Api.enc("brightness.unitCode==\"P1\"") + "&limit=100")
                        .list())
                .hasSize(30);
        assertThat(t.get(E + "?idPattern=" + Api.enc("q10[0-4]$") + "&limit=100")
                        .list())
                .hasSize(5);
        // paging is stable and ordered
        List<Object> p1 = t.get(E + "?type=Streetlight&limit=10&offset=0&options=keyValues")
                .list();
        List<Object> p2 = t.get(E + "?type=Streetlight&limit=10&offset=10&options=keyValues")
                .list();
        assertThat(ids(p1)).doesNotContainAnyElementsOf(ids(p2));
        // near: points every ~68 m along the parallel from 13.400
        String near = "georel=" + Api.enc("near;maxDistance==300") + "&geometry=Point&coordinates="
                + Api.enc("[13.400,52.52]");
        List<Object> n = t.get(E + "?type=Streetlight&limit=100&" + near).list();
        assertThat(n).hasSize(5); // 0, 68, 136, 204, 272 m
        String within = "georel=within&geometry=Polygon&coordinates="
                + Api.enc("[[[13.3995,52.51],[13.4045,52.51],[13.4045,52.53],[13.3995,52.53],[13.3995,52.51]]]");
        assertThat(t.get(E + "?type=Streetlight&limit=100&" + within).list()).hasSize(5);
        // errors
        assertThat(t.get(E + "?type=Streetlight&limit=1001").errorTitle()).isEqualTo("TooManyResults");
        assertThat(t.get(E + "?type=Streetlight&limit=0").status()).isEqualTo(400);
        assertThat(t.get(E + "?type=Streetlight&limit=0&count=true").header("NGSILD-Results-Count"))
                .isEqualTo("30");
        assertThat(t.get(E).status()).as("unrestricted query").isEqualTo(400);
        assertThat(t.get(E + "?type=Streetlight&q=" + Api.enc("brightness>>1")).errorTitle())
                .isEqualTo("BadRequestData");
        assertThat(t.get(E + "?type=Streetlight&georel=near&geometry=Point&coordinates=%5B1,2%5D")
                        .status())
                .isEqualTo(400);
        assertThat(t.get(E + "?type=Streetlight&idPattern=" + Api.enc("(")).status())
                .isEqualTo(400);
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        ((List<?>) list).forEach(o -> out.add(String.valueOf(o)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ids(List<Object> entities) {
        List<Object> ids = new ArrayList<>();
        entities.forEach(e -> ids.add(((Map<String, Object>) e).get("id")));
        return ids;
    }

    // ------------------------------------------------------------ attribute operations

    @Test
    void attributeOperations_appendUpdatePatchReplaceDelete() {
        String id = "urn:ngsi-ld:Streetlight:attrs";
        String path = E + "/" + id;
        create(api, lamp(id, 6, 6, "ok", 20));
        // update existing + a missing one -> 207
        Api.Res upd = api.patch(
                path + "/attrs",
                Map.of(
                        "brightness", Map.of("type", "Property", "value", 80),
                        "missing", Map.of("type", "Property", "value", 1)));
        assertThat(upd.status()).isEqualTo(207);
        assertThat(upd.obj().get("updated")).isEqualTo(List.of("brightness"));
        assertThat(api.get(path + "?options=keyValues").obj())
                .containsEntry("brightness", 80)
                .doesNotContainKey("missing");
        // append new + noOverwrite on existing
        Api.Res app = api.post(
                path + "/attrs?options=noOverwrite",
                Map.of(
                        "brightness", Map.of("type", "Property", "value", 1),
                        "power", Map.of("type", "Property", "value", 30)));
        assertThat(app.status()).isEqualTo(207);
        assertThat(api.get(path + "?options=keyValues").obj())
                .containsEntry("brightness", 80)
                .containsEntry("power", 30);
        assertThat(api.post(path + "/attrs", Map.of("power", Map.of("type", "Property", "value", 31)))
                        .status())
                .isEqualTo(204);
        // partial attribute update keeps other members
        assertThat(api.post(
                                path + "/attrs",
                                Map.of("brightness", Map.of("type", "Property", "value", 85, "unitCode", "P1")))
                        .status())
                .isEqualTo(204);
        assertThat(api.patch(path + "/attrs/brightness", Map.of("value", 90)).status())
                .isEqualTo(204);
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) api.get(path).obj().get("brightness");
        assertThat(b).containsEntry("value", 90).containsEntry("unitCode", "P1");
        assertThat(api.patch(path + "/attrs/nope", Map.of("value", 1)).status()).isEqualTo(404);
        // replace attribute
        assertThat(api.put(path + "/attrs/brightness", Map.of("type", "Property", "value", 5))
                        .status())
                .isEqualTo(204);
        @SuppressWarnings("unchecked")
        Map<String, Object> b2 = (Map<String, Object>) api.get(path).obj().get("brightness");
        assertThat(b2).containsEntry("value", 5).doesNotContainKey("unitCode");
        // multi-attributes with datasetId
        assertThat(api.post(
                                path + "/attrs",
                                Map.of(
                                        "temperature",
                                        List.of(
                                                Map.of("type", "Property", "value", 20),
                                                Map.of(
                                                        "type",
                                                        "Property",
                                                        "value",
                                                        21,
                                                        "datasetId",
                                                        "urn:ngsi-ld:Dataset:s2"))))
                        .status())
                .isEqualTo(204);
        assertThat((List<?>) api.get(path).obj().get("temperature")).hasSize(2);
        assertThat(api.delete(path + "/attrs/temperature?datasetId=urn:ngsi-ld:Dataset:s2")
                        .status())
                .isEqualTo(204);
        assertThat(api.get(path).obj().get("temperature")).isInstanceOf(Map.class);
        assertThat(api.delete(path + "/attrs/temperature?datasetId=urn:ngsi-ld:Dataset:s2")
                        .status())
                .isEqualTo(404);
        assertThat(api.delete(path + "/attrs/temperature?deleteAll=true").status())
                .isEqualTo(204);
        assertThat(api.get(path).obj()).doesNotContainKey("temperature");
        assertThat(api.delete(path + "/attrs/power").status()).isEqualTo(204);
        assertThat(api.delete(path + "/attrs/power").status()).isEqualTo(404);
    }

    @Test
    void replaceMergeAndDeleteEntity() {
        String id = "urn:ngsi-ld:Streetlight:rmd";
        String path = E + "/" + id;
        create(api, lamp(id, 7, 7, "ok", 20));
        // merge: change one value, remove another with urn:ngsi-ld:null, add one
        Api.Res m = api.patch(
                path,
                Map.of(
                        "status", Map.of("type", "Property", "value", "failed"),
                        "refGroup", Map.of("type", "Relationship", "object", "urn:ngsi-ld:null"),
                        "note", Map.of("type", "Property", "value", "checked")));
        assertThat(m.status()).isEqualTo(204);
        Map<String, Object> after = api.get(path).obj();
        assertThat(after).doesNotContainKey("refGroup").containsKey("note");
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) after.get("status");
        assertThat(status).containsEntry("value", "failed").containsEntry("observedAt", "2026-11-20T18:00:00.000Z");
        // replace
        assertThat(api.put(path, Map.of("type", "Streetlight", "status", Map.of("type", "Property", "value", "new")))
                        .status())
                .isEqualTo(204);
        assertThat(api.get(path + "?options=keyValues").obj()).containsOnlyKeys("id", "type", "status");
        assertThat(api.put(E + "/urn:ngsi-ld:x:absent", Map.of("type", "T")).status())
                .isEqualTo(404);
        // delete
        assertThat(api.delete(path).status()).isEqualTo(204);
        assertThat(api.get(path).status()).isEqualTo(404);
        assertThat(api.delete(path).status()).isEqualTo(404);
    }

    // ------------------------------------------------------------ batch

    @Test
    void batchOperations_reportPerEntity() {
        Api t = api.withHeader("NGSILD-Tenant", "batch");
        String base = "/ngsi-ld/v1/entityOperations/";
        Api.Res c = t.post(
                base + "create",
                List.of(
                        lamp("urn:ngsi-ld:Streetlight:b1", 1, 1, "ok", 1),
                        lamp("urn:ngsi-ld:Streetlight:b2", 1, 1, "ok", 2)));
        assertThat(c.status()).isEqualTo(201);
        assertThat(c.list()).containsExactly("urn:ngsi-ld:Streetlight:b1", "urn:ngsi-ld:Streetlight:b2");
        Api.Res c2 = t.post(
                base + "create",
                List.of(
                        lamp("urn:ngsi-ld:Streetlight:b1", 1, 1, "ok", 1),
                        lamp("urn:ngsi-ld:Streetlight:b3", 1, 1, "ok", 3),
                        Map.of("id", "bad id", "type", "T")));
        assertThat(c2.status()).isEqualTo(207);
        assertThat(c2.obj().get("success")).isEqualTo(List.of("urn:ngsi-ld:Streetlight:b3"));
        assertThat((List<?>) c2.obj().get("errors")).hasSize(2);
        // upsert: one new, one existing -> 201 with the created id
        Api.Res u = t.post(
                base + "upsert",
                List.of(
                        lamp("urn:ngsi-ld:Streetlight:b1", 1, 1, "failed", 1),
                        lamp("urn:ngsi-ld:Streetlight:b4", 1, 1, "ok", 4)));
        assertThat(u.status()).isEqualTo(201);
        assertThat(u.list()).containsExactly("urn:ngsi-ld:Streetlight:b4");
        assertThat(t.post(
                                base + "upsert?options=update",
                                List.of(Map.of(
                                        "id",
                                        "urn:ngsi-ld:Streetlight:b1",
                                        "type",
                                        "Streetlight",
                                        "extra",
                                        Map.of("type", "Property", "value", 1))))
                        .status())
                .isEqualTo(204);
        assertThat(t.get(E + "/urn:ngsi-ld:Streetlight:b1?options=keyValues").obj())
                .containsEntry("status", "failed")
                .containsEntry("extra", 1);
        // update: missing entity reported
        Api.Res up = t.post(
                base + "update",
                List.of(
                        Map.of(
                                "id",
                                "urn:ngsi-ld:Streetlight:b2",
                                "type",
                                "Streetlight",
                                "brightness",
                                Map.of("type", "Property", "value", 99)),
                        Map.of(
                                "id",
                                "urn:ngsi-ld:Streetlight:zz",
                                "type",
                                "Streetlight",
                                "brightness",
                                Map.of("type", "Property", "value", 1))));
        assertThat(up.status()).isEqualTo(207);
        assertThat(t.get(E + "/urn:ngsi-ld:Streetlight:b2?options=keyValues").obj())
                .containsEntry("brightness", 99);
        // merge
        assertThat(t.post(
                                base + "merge",
                                List.of(Map.of(
                                        "id",
                                        "urn:ngsi-ld:Streetlight:b2",
                                        "type",
                                        "Streetlight",
                                        "brightness",
                                        Map.of("value", 98))))
                        .status())
                .isEqualTo(204);
        // query
        Api.Res q = t.post(
                base + "query",
                Map.of("type", "Query", "entities", List.of(Map.of("type", "Streetlight")), "q", "brightness>=4"));
        assertThat(q.status()).isEqualTo(200);
        assertThat(ids(q.list())).containsExactlyInAnyOrder("urn:ngsi-ld:Streetlight:b2", "urn:ngsi-ld:Streetlight:b4");
        // delete
        Api.Res d = t.post(base + "delete", List.of("urn:ngsi-ld:Streetlight:b1", "urn:ngsi-ld:Streetlight:nope"));
        assertThat(d.status()).isEqualTo(207);
        assertThat(t.post(base + "delete", List.of("urn:ngsi-ld:Streetlight:b2"))
                        .status())
                .isEqualTo(204);
        assertThat(t.post(base + "create", List.of()).status()).isEqualTo(400);
    }

    // ------------------------------------------------------------ discovery and tenants

    @Test
    void typesAndAttributes_discovery() {
        Api t = api.withHeader("NGSILD-Tenant", "discovery");
        create(t, lamp("urn:ngsi-ld:Streetlight:d1", 1, 1, "ok", 1));
        create(
                t,
                Map.of(
                        "id",
                        "urn:ngsi-ld:Road:d1",
                        "type",
                        "Road",
                        "status",
                        Map.of("type", "Property", "value", "open")));
        assertThat(t.get("/ngsi-ld/v1/types").obj().get("typeList")).isEqualTo(List.of("Road", "Streetlight"));
        Map<String, Object> info = t.get("/ngsi-ld/v1/types/Streetlight").obj();
        assertThat(info).containsEntry("type", "EntityTypeInfo").containsEntry("entityCount", 1);
        assertThat(t.get("/ngsi-ld/v1/types?details=true").list()).hasSize(2);
        assertThat(t.get("/ngsi-ld/v1/types/Nope").status()).isEqualTo(404);
        assertThat(strings(t.get("/ngsi-ld/v1/attributes").obj().get("attributeList")))
                .contains("status", "brightness", "location");
        Map<String, Object> st = t.get("/ngsi-ld/v1/attributes/status").obj();
        assertThat(st).containsEntry("attributeCount", 2);
        assertThat(strings(st.get("typeNames"))).containsExactlyInAnyOrder("Road", "Streetlight");
        assertThat(t.get("/ngsi-ld/v1/attributes?details=true").list()).isNotEmpty();
    }

    @Test
    void tenants_areIsolated_createdOnFirstWrite_andListed() {
        Api a = api.withHeader("NGSILD-Tenant", "city-a");
        Api b = api.withHeader("NGSILD-Tenant", "city-b");
        assertThat(a.get(E + "?type=Streetlight").errorTitle()).isEqualTo("NonexistentTenant");
        create(a, lamp("urn:ngsi-ld:Streetlight:t1", 1, 1, "ok", 1));
        create(b, lamp("urn:ngsi-ld:Streetlight:t1", 1, 1, "failed", 2));
        assertThat(a.get(E + "/urn:ngsi-ld:Streetlight:t1?options=keyValues").obj())
                .containsEntry("status", "ok");
        assertThat(b.get(E + "/urn:ngsi-ld:Streetlight:t1?options=keyValues").obj())
                .containsEntry("status", "failed");
        assertThat(api.get(E + "/urn:ngsi-ld:Streetlight:t1").status()).isEqualTo(404);
        assertThat(a.get(E + "?type=Streetlight").list()).hasSize(1);
        assertThat(api.get("/ngsi-ld/ex/v1/tenants").list()).contains("city-a", "city-b", "default");
        assertThat(api.get(E + "?type=T", "NGSILD-Tenant", "bad tenant!").status())
                .isEqualTo(400);
    }

    @Test
    void metricsAndHealth_areServed() {
        api.get(E + "/urn:ngsi-ld:none:m");
        assertThat(api.get("/health").obj()).containsEntry("status", "UP");
        String metrics = api.get("/metrics").body();
        assertThat(metrics)
                .contains("citytwin_http_requests_seconds")
                .contains("citytwin_twin_entities")
                .contains("citytwin_http_errors_total");
    }
}
