package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Bad input never hurts the node: random JSON bodies, random query strings and geo parameters sent through a real
 * HTTP client are answered with a 2xx or a 4xx problem-details body, never a 5xx, and the node stays healthy. The
 * seed of a failing run is printed by jqwik; rerun with it to replay.
 */
class ApiFuzzIT {
    static Node node;
    static Api api;

    @BeforeContainer
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("citytwin-fuzz");
        node = Node.start(
                CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(0),
                InstantSource.system(),
                Map.of());
        api = new Api(node.httpPort());
        api.post("/ngsi-ld/v1/entities", NgsiLdApiIT.lamp("urn:ngsi-ld:Streetlight:fuzz", 1, 1, "ok", 1));
    }

    @AfterContainer
    static void stop() {
        node.close();
    }

    record Call(String method, String path, String body) {}

    @Property(tries = 400)
    void anyRequest_isAnsweredWithoutServerError(@ForAll("calls") Call call) {
        Api.Res r = api.send(call.method(), call.path(), call.body());
        assertThat(r.status())
                .as("%s %s %s -> %s", call.method(), call.path(), call.body(), r.body())
                .isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.obj()).containsKeys("type", "title", "status", "detail");
            assertThat((String) r.obj().get("type")).startsWith("https://uri.etsi.org/ngsi-ld/errors/");
        }
    }

    @Property(tries = 1)
    void afterwards_theNodeIsHealthy(@ForAll("calls") Call ignored) {
        assertThat(api.get("/health").status()).isEqualTo(200);
        assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:fuzz").status())
                .isEqualTo(200);
    }

    @Provide
    Arbitrary<Call> calls() {
        Arbitrary<String> body = json(3).map(Object::toString);
        Arbitrary<String> text = Arbitraries.strings()
                .withChars("abcz019;|()!=<>~.,[]\"'\\ :/#%&?*$^{}-+_")
                .ofMaxLength(40);
        Arbitrary<Call> writes = Combinators.combine(
                        Arbitraries.of(
                                "POST /ngsi-ld/v1/entities",
                                "POST /ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:fuzz/attrs",
                                "PATCH /ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:fuzz/attrs",
                                "PATCH /ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:fuzz",
                                "PATCH /ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:fuzz/attrs/brightness",
                                "PUT /ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:fuzz/attrs/status",
                                "POST /ngsi-ld/v1/entityOperations/upsert",
                                "POST /ngsi-ld/v1/entityOperations/update",
                                "POST /ngsi-ld/v1/entityOperations/merge",
                                "POST /ngsi-ld/v1/entityOperations/query"),
                        body)
                .as((mp, b) -> new Call(mp.split(" ")[0], mp.split(" ")[1], b));
        Arbitrary<Call> reads = Combinators.combine(
                        Arbitraries.of(
                                "q", "type", "idPattern", "attrs", "pick", "georel", "coordinates", "options", "lang"),
                        text)
                .as(ApiFuzzIT::query);
        return Arbitraries.oneOf(writes, reads);
    }

    /** A query of Streetlights (with a near query for the geo parameters) where {@code param} is random. */
    static Call query(String param, String value) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("type", "Streetlight");
        if (param.equals("georel") || param.equals("coordinates")) {
            params.put("georel", "near;maxDistance==10");
            params.put("geometry", "Point");
            params.put("coordinates", "[1,1]");
        }
        params.put(param, value);
        StringBuilder path = new StringBuilder("/ngsi-ld/v1/entities?");
        params.forEach((k, v) -> path.append(k).append('=').append(Api.enc(v)).append('&'));
        return new Call("GET", path.substring(0, path.length() - 1), null);
    }

    /** Random JSON with NGSI-LD-ish member names, so that parsing gets past the first checks now and then. */
    static Arbitrary<Object> json(int depth) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.integers().between(-5, 5).map(i -> (Object) i),
                Arbitraries.doubles().between(-200, 200).map(d -> (Object) d),
                Arbitraries.of(
                                "\"Property\"",
                                "\"Relationship\"",
                                "\"GeoProperty\"",
                                "\"Point\"",
                                "\"urn:ngsi-ld:null\"",
                                "\"urn:ngsi-ld:T:1\"",
                                "\"2026-11-21T00:00:00Z\"",
                                "\"x\"",
                                "true",
                                "null")
                        .map(s -> (Object) new Raw(s)));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> keys = Arbitraries.of(
                "id",
                "type",
                "value",
                "object",
                "coordinates",
                "observedAt",
                "datasetId",
                "unitCode",
                "location",
                "status",
                "languageMap",
                "vocab",
                "json",
                "valueList",
                "@context",
                "bad name",
                "");
        Arbitrary<Object> obj =
                Arbitraries.maps(keys, json(depth - 1)).ofMaxSize(5).map(m -> (Object) new Obj(m));
        Arbitrary<Object> arr = json(depth - 1).list().ofMaxSize(4).map(l -> (Object) new Arr(l));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, leaf), net.jqwik.api.Tuple.of(3, obj), net.jqwik.api.Tuple.of(1, arr));
    }

    record Raw(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    record Obj(Map<String, Object> members) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("{");
            members.forEach((k, v) -> {
                if (b.length() > 1) {
                    b.append(',');
                }
                b.append('"').append(k).append("\":").append(v);
            });
            return b.append('}').toString();
        }
    }

    record Arr(List<Object> items) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("[");
            for (Object o : items) {
                if (b.length() > 1) {
                    b.append(',');
                }
                b.append(o);
            }
            return b.append(']').toString();
        }
    }
}
