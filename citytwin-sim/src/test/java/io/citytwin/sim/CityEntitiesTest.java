package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CityEntitiesTest {
    static final City CITY = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 3));

    @Test
    void everyThing_isOneEntity_andEveryRelationshipPointsBackwards() {
        List<Map<String, Object>> all = new CityEntities(CITY).all();
        assertThat(all).hasSize(CITY.size());
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> e : all) {
            for (Object v : e.values()) {
                if (v instanceof Map<?, ?> attr && "Relationship".equals(attr.get("type"))) {
                    String target = (String) attr.get("object");
                    if (!e.containsKey("refDownstream") || !attr.equals(e.get("refDownstream"))) {
                        // parents come first; only the next segment/detector along a road is ahead
                        assertThat(seen).as("%s -> %s", e.get("id"), target).contains(target);
                    }
                }
            }
            assertThat(seen.add((String) e.get("id"))).isTrue();
        }
    }

    @Test
    void lamp_isAStreetlightWithTheSmartDataModelsRelationships() {
        Map<String, Object> lamp = new CityEntities(CITY)
                .all().stream()
                        .filter(e -> e.get("type").equals("Streetlight"))
                        .findFirst()
                        .orElseThrow();
        assertThat(lamp).containsKeys("location", "refStreetlightGroup", "refStreetlightControlCabinet", "refDistrict");
        @SuppressWarnings("unchecked")
        Map<String, Object> loc = (Map<String, Object>) ((Map<String, Object>) lamp.get("location")).get("value");
        assertThat(loc).containsEntry("type", "Point");
    }
}
