package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled FIWARE Smart Data Models example is created through the API as {@code application/ld+json} with
 * its own @context, read back with that context, and comes out as it went in (times compared as instants, since
 * the node writes them in UTC with milliseconds).
 */
class SmartDataModelsIT {
    @TempDir
    static Path dir;

    static Node node;
    static Api api;

    @BeforeAll
    static void start() {
        // KPIs off: this test compares entities as posted with entities as read, and the KPI service would add
        // derived attributes (levelOfService, waterQualityIndex, ...) to the examples in between
        node = Node.start(
                CityTwinConfig.defaults()
                        .override(0, "127.0.0.1", dir)
                        .withMqttPort(0)
                        .withKpi(new KpiConfig(false, null, null, null, null)),
                InstantSource.system(),
                SampleCity.installContexts(dir));
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "sdm");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Stream<String> examples() throws IOException {
        try (InputStream in = SampleCity.class.getResourceAsStream("/io/citytwin/app/samples/index.json")) {
            return Api.JSON.readValue(in, new TypeReference<List<String>>() {}).stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void example_roundTripsThroughTheApi(String name) throws IOException {
        Map<String, Object> example;
        try (InputStream in = SampleCity.class.getResourceAsStream("/io/citytwin/app/samples/" + name + ".jsonld")) {
            example = Api.JSON.readValue(in, new TypeReference<Map<String, Object>>() {});
        }
        Api.Res created = api.post("/ngsi-ld/v1/entities", example, "Content-Type", "application/ld+json");
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        String contextUrl = firstSmartDataModelsContext(example.get("@context"));
        Api.Res back = api.get(
                "/ngsi-ld/v1/entities/" + Api.enc(String.valueOf(example.get("id"))),
                "Accept",
                "application/ld+json",
                "Link",
                "<" + contextUrl + ">; rel=\"http://www.w3.org/ns/json-ld#context\"");
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        Map<String, Object> got = new LinkedHashMap<>(back.obj());
        Map<String, Object> sent = new LinkedHashMap<>(example);
        got.remove("@context");
        sent.remove("@context");
        assertThat(normalize(got)).isEqualTo(normalize(sent));
    }

    private static String firstSmartDataModelsContext(Object ctx) {
        List<?> list = ctx instanceof List<?> l ? l : List.of(ctx);
        for (Object o : list) {
            if (o instanceof String s && s.contains("smart-data-models")) {
                return s;
            }
        }
        throw new AssertionError("no Smart Data Models context in " + ctx);
    }

    /** Times as instants, numbers as doubles: what JSON equality means for NGSI-LD content. */
    private static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, val) -> out.put(
                    String.valueOf(k),
                    k.equals("observedAt") && val instanceof String s
                            ? Instant.parse(s).toString()
                            : normalize(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(o -> out.add(normalize(o)));
            return out;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        return v;
    }
}
