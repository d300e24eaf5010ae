package io.citytwin.ngsild;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.TwinException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EntityCodecPropertiesTest {
    private static final LdContext CORE =
            ContextResolver.builder().allowRemote(false).build().core();
    private final EntityCodec codec = new EntityCodec();

    @Property(tries = 1000)
    void parseEntity_onArbitraryJson_throwsOnlyTwinException(@ForAll("entities") Map<String, Object> body) {
        try {
            codec.parseEntity(body, CORE);
        } catch (TwinException e) {
            assertThat(e.code()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Map<String, Object>> entities() {
        Arbitrary<Object> attr = json(3);
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of(
                        "p",
                        "location",
                        "type",
                        "value",
                        "object",
                        "observedAt",
                        "datasetId",
                        "unitCode",
                        "languageMap",
                        "vocab",
                        "json",
                        "valueList",
                        "objectList",
                        "ngsi-ld:x",
                        "urn:x:y",
                        "a b",
                        ""),
                Arbitraries.strings().ofMaxLength(6));
        return Arbitraries.maps(names, attr).ofMaxSize(5).map(m -> {
            Map<String, Object> body = new HashMap<>(m);
            body.putIfAbsent("id", "urn:ngsi-ld:T:1");
            body.putIfAbsent("type", "T");
            return body;
        });
    }

    private Arbitrary<Object> json(int depth) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(8).map(s -> (Object) s),
                Arbitraries.of(
                                "Property",
                                "Relationship",
                                "GeoProperty",
                                "LanguageProperty",
                                "VocabProperty",
                                "JsonProperty",
                                "ListProperty",
                                "ListRelationship",
                                "Point",
                                "Polygon",
                                "urn:a:b",
                                "2024-01-01T00:00:00Z",
                                "urn:ngsi-ld:null")
                        .map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<String> keys = Arbitraries.of(
                "type",
                "value",
                "object",
                "coordinates",
                "geometries",
                "observedAt",
                "datasetId",
                "unitCode",
                "languageMap",
                "vocab",
                "json",
                "valueList",
                "objectList",
                "en",
                "@list",
                "sub");
        Arbitrary<Object> map =
                Arbitraries.maps(keys, json(depth - 1)).ofMaxSize(4).map(m -> (Object) m);
        Arbitrary<Object> list = json(depth - 1).list().ofMaxSize(4).map(l -> (Object)
                List.copyOf(l.stream().map(o -> o == null ? (Object) "x" : o).toList()));
        return Arbitraries.oneOf(leaf, map, list);
    }
}
