package io.citytwin.ngsild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EntityCodecTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ContextResolver RESOLVER = sdmResolver();
    private final EntityCodec codec = new EntityCodec();
    private final LdContext core = RESOLVER.core();

    @SuppressWarnings("unchecked")
    private static ContextResolver sdmResolver() {
        try {
            Path dir = Path.of(EntityCodecTest.class.getResource("/contexts").toURI());
            Map<String, String> files =
                    MAPPER.readValue(dir.resolve("sdm-mappings.json").toFile(), Map.class);
            Map<String, Path> mappings = new HashMap<>();
            files.forEach((url, file) -> mappings.put(url, dir.resolve(file)));
            return ContextResolver.builder()
                    .allowRemote(false)
                    .localMappings(mappings)
                    .build();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Path> smartDataModelExamples() throws Exception {
        Path dir =
                Path.of(EntityCodecTest.class.getResource("/smart-data-models").toURI());
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).sorted().forEach(d -> out.add(d.resolve("example-normalized.jsonld")));
        }
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(Path p) throws IOException {
        return (Map<String, Object>) codec.parseJson(Files.readAllBytes(p));
    }

    @ParameterizedTest
    @MethodSource("smartDataModelExamples")
    void smartDataModelExample_parsesAndRendersBackNormalized(Path file) throws IOException {
        Map<String, Object> body = read(file);
        LdContext ctx = RESOLVER.resolve(body.get("@context"));
        Entity e = codec.parseEntity(body, ctx);
        assertThat(e.types().get(0)).startsWith("https://smartdatamodels.org/dataModel.");

        Map<String, Object> rendered =
                codec.render(e, RenderOptions.normalized().withIncludeContext(false), ctx);
        Map<String, Object> expected = new LinkedHashMap<>(body);
        expected.remove("@context");
        assertThat(normalize(Json.freeze(rendered))).isEqualTo(normalize(Json.freeze(expected)));
        assertThat(renderReparse(e, ctx, RenderOptions.concise())).isTrue();
        assertThat(renderReparse(e, ctx, RenderOptions.normalized().withSysAttrs(true)))
                .isTrue();
        Map<String, Object> kv = codec.render(e, RenderOptions.keyValues(), ctx);
        assertThat(kv.get("@context"))
                .isEqualTo(body.get("@context") == null ? null : Json.freeze(body.get("@context")));
        assertThat(kv.get("id")).isEqualTo(body.get("id"));
    }

    private boolean renderReparse(Entity e, LdContext ctx, RenderOptions opts) throws IOException {
        byte[] json = MAPPER.writeValueAsBytes(codec.render(e, opts, ctx));
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) codec.parseJson(json);
        Entity again = codec.parseEntity(back, ctx);
        assertThat(again.types()).isEqualTo(e.types());
        assertThat(again.attributes().keySet())
                .containsExactlyElementsOf(e.attributes().keySet());
        for (String name : e.attributes().keySet()) {
            List<Attribute> a = e.instances(name);
            List<Attribute> b = again.instances(name);
            assertThat(b).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i).sameContentAs(a.get(i))).as(name).isTrue();
            }
        }
        return true;
    }

    /** observedAt may be rendered in another offset: compare instants. */
    private static Object normalize(Object json) {
        if (json instanceof Map<?, ?> m) {
            Map<Object, Object> out = new HashMap<>();
            m.forEach((k, v) -> out.put(
                    k,
                    "observedAt".equals(k) && v instanceof String s
                            ? OffsetDateTime.parse(s).toInstant()
                            : normalize(v)));
            return out;
        }
        if (json instanceof List<?> l) {
            return l.stream().map(EntityCodecTest::normalize).toList();
        }
        return json;
    }

    private Entity parse(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) codec.parseJson(json.getBytes(StandardCharsets.UTF_8));
        return codec.parseEntity(body, core);
    }

    @Test
    void conciseForm_infersKinds() {
        Entity e = parse(
                """
                {"id": "urn:ngsi-ld:Room:1", "type": "Room",
                 "temp": 21.5,
                 "humidity": {"value": 40, "unitCode": "P1", "observedAt": "2024-05-01T10:00:00Z"},
                 "inBuilding": {"object": "urn:ngsi-ld:Building:1"},
                 "location": {"value": {"type": "Point", "coordinates": [8.5, 47.3]}},
                 "name": {"languageMap": {"en": "Kitchen", "de": "Küche"}},
                 "category": {"vocab": "office"},
                 "config": {"json": {"a": null}},
                 "readings": {"valueList": [1, 2, 3]},
                 "members": {"objectList": ["urn:a:1", {"object": "urn:a:2"}]},
                 "tags": ["a", "b"]}
                """);
        assertThat(kind(e, "temp")).isEqualTo(AttributeKind.PROPERTY);
        assertThat(kind(e, "humidity")).isEqualTo(AttributeKind.PROPERTY);
        assertThat(e.attribute(Ngsi.DEFAULT_VOCAB + "humidity").orElseThrow().observedAt())
                .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(kind(e, "inBuilding")).isEqualTo(AttributeKind.RELATIONSHIP);
        assertThat(e.attribute(Ngsi.LOCATION).orElseThrow().kind()).isEqualTo(AttributeKind.GEO_PROPERTY);
        assertThat(kind(e, "name")).isEqualTo(AttributeKind.LANGUAGE_PROPERTY);
        assertThat(kind(e, "category")).isEqualTo(AttributeKind.VOCAB_PROPERTY);
        assertThat(e.attribute(Ngsi.DEFAULT_VOCAB + "category").orElseThrow().value())
                .isEqualTo(Ngsi.DEFAULT_VOCAB + "office");
        assertThat(kind(e, "config")).isEqualTo(AttributeKind.JSON_PROPERTY);
        assertThat(kind(e, "readings")).isEqualTo(AttributeKind.LIST_PROPERTY);
        assertThat(kind(e, "members")).isEqualTo(AttributeKind.LIST_RELATIONSHIP);
        assertThat(e.attribute(Ngsi.DEFAULT_VOCAB + "tags").orElseThrow().value())
                .isEqualTo(List.of("a", "b"));

        Map<String, Object> concise = codec.render(e, RenderOptions.concise().withIncludeContext(false), core);
        assertThat(concise.get("temp")).isEqualTo(21.5);
        assertThat(concise.get("inBuilding")).isEqualTo(Map.of("object", "urn:ngsi-ld:Building:1"));
        assertThat(concise.get("category")).isEqualTo(Map.of("vocab", "office"));
        Map<String, Object> kv = codec.render(e, RenderOptions.keyValues().withIncludeContext(false), core);
        assertThat(kv.get("humidity")).isEqualTo(40L);
        assertThat(kv.get("inBuilding")).isEqualTo("urn:ngsi-ld:Building:1");
        assertThat(kv.get("members")).isEqualTo(List.of("urn:a:1", "urn:a:2"));
        assertThat(kv.get("location")).isEqualTo(Map.of("type", "Point", "coordinates", List.of(8.5, 47.3)));
        Map<?, ?> config = (Map<?, ?>) kv.get("config");
        assertThat(config.containsKey("a")).isTrue();
        assertThat(config.get("a")).isNull();
        Map<String, Object> normalized = codec.render(e, RenderOptions.normalized(), core);
        assertThat(normalized.keySet()).startsWith("@context", "id", "type");
        assertThat(normalized.get("type")).isEqualTo("Room");
        assertThat(asMap(normalized.get("members")))
                .containsEntry("objectList", List.of(Map.of("object", "urn:a:1"), Map.of("object", "urn:a:2")));
    }

    private static AttributeKind kind(Entity e, String term) {
        return e.attribute(Ngsi.DEFAULT_VOCAB + term).orElseThrow().kind();
    }

    @Test
    void languageProperty_withLang_rendersBestMatchAsProperty() {
        Entity e = parse(
                """
                {"id": "urn:a:1", "type": "T", "name": {"type": "LanguageProperty", "languageMap": {"en": "Kitchen", "de": "Küche"}}}
                """);
        RenderOptions de = RenderOptions.normalized().withIncludeContext(false).withLang("de");
        assertThat(asMap(codec.render(e, de, core).get("name")))
                .isEqualTo(Map.of("type", "Property", "value", "Küche", "lang", "de"));
        RenderOptions fr = de.withLang("fr");
        assertThat(asMap(codec.render(e, fr, core).get("name"))).containsEntry("lang", "en");
        assertThat(codec.render(e, RenderOptions.keyValues().withLang("de"), core)
                        .get("name"))
                .isEqualTo("Küche");
        assertThat(codec.render(e, RenderOptions.keyValues().withLang("*"), core)
                        .get("name"))
                .isEqualTo(Map.of("en", "Kitchen", "de", "Küche"));
    }

    @Test
    void multiAttribute_rendersArray_defaultFirst_keyValuesDefaultValue() {
        Entity e = parse(
                """
                {"id": "urn:a:1", "type": "T", "speed": [
                  {"type": "Property", "value": 10, "datasetId": "urn:ds:radar"},
                  {"type": "Property", "value": 12}]}
                """);
        List<Attribute> speed = e.instances(Ngsi.DEFAULT_VOCAB + "speed");
        assertThat(speed).hasSize(2);
        assertThat(speed.get(0).datasetId()).isNull();
        assertThat(codec.render(e, RenderOptions.normalized(), core).get("speed"))
                .isInstanceOf(List.class);
        assertThat(codec.render(e, RenderOptions.keyValues(), core).get("speed"))
                .isEqualTo(12L);
    }

    @Test
    void sysAttrs_renderedAsUtcMillis() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        Entity e = parse(
                """
                {"id": "urn:a:1", "type": "T", "p": {"value": 1, "q": {"value": 2}}}
                """);
        Attribute p = e.attribute(Ngsi.DEFAULT_VOCAB + "p").orElseThrow().stamped(null, t);
        e = e.withAttribute(Ngsi.DEFAULT_VOCAB + "p", List.of(p)).withTimes(t, t);
        Map<String, Object> out = codec.render(e, RenderOptions.normalized().withSysAttrs(true), core);
        assertThat(out.get("createdAt")).isEqualTo("2024-05-01T10:00:00.000Z");
        Map<?, ?> pOut = (Map<?, ?>) out.get("p");
        assertThat(pOut.get("modifiedAt")).isEqualTo("2024-05-01T10:00:00.000Z");
        assertThat(((Map<?, ?>) pOut.get("q")).get("createdAt")).isEqualTo("2024-05-01T10:00:00.000Z");
        assertThat(codec.render(e, RenderOptions.normalized(), core)).doesNotContainKey("createdAt");
    }

    @Test
    void renderFeature_putsGeometryAndProperties() {
        Entity e = parse(
                """
                {"id": "urn:a:1", "type": "T", "p": 1, "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [1, 2]}}}
                """);
        Map<String, Object> f = codec.renderFeature(e, RenderOptions.keyValues(), core, "location");
        assertThat(f.get("type")).isEqualTo("Feature");
        assertThat(f.get("id")).isEqualTo("urn:a:1");
        assertThat(f.get("geometry")).isEqualTo(Map.of("type", "Point", "coordinates", List.of(1L, 2L)));
        assertThat(asMap(f.get("properties"))).containsEntry("type", "T").containsEntry("p", 1L);
        Map<String, Object> fc =
                codec.renderFeatureCollection(List.of(e), RenderOptions.normalized(), core, Ngsi.LOCATION);
        assertThat(fc.get("type")).isEqualTo("FeatureCollection");
        assertThat((List<?>) fc.get("features")).hasSize(1);
        assertThat(fc.get("@context")).isEqualTo(ContextResolver.CORE_CONTEXT_URL);
    }

    @Test
    void isNullValue_detectsNullUrnForms() {
        assertThat(codec.isNullValue("urn:ngsi-ld:null")).isTrue();
        assertThat(codec.isNullValue(Map.of("value", "urn:ngsi-ld:null"))).isTrue();
        assertThat(codec.isNullValue(Map.of("type", "Relationship", "object", "urn:ngsi-ld:null")))
                .isTrue();
        assertThat(codec.isNullValue(Map.of("languageMap", Map.of("@none", "urn:ngsi-ld:null"))))
                .isTrue();
        assertThat(codec.isNullValue(Map.of("value", 1))).isFalse();
        assertThat(codec.isNullValue("x")).isFalse();
    }

    @Test
    void geoProperty_usesInjectedParser() {
        GeoValue fixed = new MinimalGeoParser().apply(Map.of("type", "Point", "coordinates", List.of(0, 0)));
        EntityCodec custom = new EntityCodec(json -> fixed);
        Entity e = custom.parseEntity(
                Map.of("id", "urn:a:1", "type", "T", "location", Map.of("type", "GeoProperty", "value", Map.of())),
                core);
        assertThat(e.attribute(Ngsi.LOCATION).orElseThrow().value()).isSameAs(fixed);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\": \"T\"}|entity.id-missing",
                "{\"id\": \"not a uri\", \"type\": \"T\"}|entity.id-invalid",
                "{\"id\": 5, \"type\": \"T\"}|entity.id-invalid",
                "{\"id\": \"urn:a:1\"}|entity.type-missing",
                "{\"id\": \"urn:a:1\", \"type\": []}|entity.type-invalid",
                "{\"id\": \"urn:a:1\", \"type\": [1]}|entity.type-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"a b\"}|entity.type-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"bad name\": 1}|attribute.name-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"a(b)\": 1}|attribute.name-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"\": 1}|attribute.name-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": null}|attribute.value-null",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"type\": \"Property\"}}|attribute.value-missing",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"type\": \"Property\", \"value\": null}}|attribute.value-null",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"type\": \"Foo\", \"value\": 1}}|attribute.type-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"type\": 3, \"value\": 1}}|attribute.type-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"foo\": 1}}|attribute.value-missing",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"value\": 1, \"object\": \"urn:a:2\"}}|attribute.ambiguous",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"type\": \"Property\", \"value\": 1, \"object\": \"urn:a:2\"}}|attribute.member-conflict",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"r\": {\"type\": \"Relationship\", \"object\": \"nope\"}}|attribute.object-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"value\": 1, \"observedAt\": \"yesterday\"}}|attribute.observed-at-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"value\": 1, \"unitCode\": 5}}|attribute.unit-code-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"value\": 1, \"datasetId\": \"x y\"}}|attribute.dataset-id-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": [{\"value\": 1}, {\"value\": 2}]}|attribute.dataset-duplicate",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"p\": {\"value\": 1, \"q x\": 2}}|attribute.name-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"l\": {\"languageMap\": {\"en\": 5}}}|attribute.language-map-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"v\": {\"vocab\": 5}}|attribute.vocab-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"v\": {\"valueList\": 5}}|attribute.value-list-invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"g\": {\"type\": \"GeoProperty\", \"value\": {\"type\": \"Point\", \"coordinates\": [500, 1]}}}|geo.invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"g\": {\"type\": \"GeoProperty\", \"value\": {\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0],[1,1]]]}}}|geo.invalid",
                "{\"id\": \"urn:a:1\", \"type\": \"T\", \"speed\": 1, \"https://uri.etsi.org/ngsi-ld/default-context/speed\": 2}|attribute.duplicate",
            })
    void invalidEntity_isBadRequestDataWithCode(String testCase) {
        String[] parts = testCase.split("\\|");
        assertThatThrownBy(() -> parse(parts[0])).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
            assertThat(e.code()).isEqualTo(parts[1]);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"a\": 1, \"a\": 2}", "{} []", "[1,]"})
    void parseJson_malformed_isJsonInvalidWithLocation(String json) {
        assertThatThrownBy(() -> codec.parseJson(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(TwinException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
                    assertThat(e.code()).isEqualTo("json.invalid");
                    assertThat(e.detail()).contains("line");
                });
    }

    @Test
    void entityLevelIgnoredMembers_areNotAttributes() {
        Entity e = parse(
                """
                {"id": "urn:a:1", "type": ["A", "B"], "@context": "x", "scope": "/a", "createdAt": "2020-01-01T00:00:00Z", "modifiedAt": "x"}
                """);
        assertThat(e.attributes()).isEmpty();
        assertThat(e.types()).containsExactly(Ngsi.DEFAULT_VOCAB + "A", Ngsi.DEFAULT_VOCAB + "B");
        assertThat(codec.render(e, RenderOptions.normalized(), core).get("type"))
                .isEqualTo(List.of("A", "B"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }
}
