package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A city from a small GeoJSON street plan (src/test/resources/small-city.geojson). */
class GeoJsonCityTest {
    @TempDir
    Path dir;

    static Path fixture() throws URISyntaxException {
        return Path.of(GeoJsonCityTest.class.getResource("/small-city.geojson").toURI());
    }

    static City load() throws URISyntaxException {
        return GeoJsonCity.load(fixture(), CitySpec.of(CitySize.SMALL, 4));
    }

    @Test
    void districtsAndRoads_comeFromTheFile_andTheRestIsPlacedAlongThem() throws Exception {
        City city = load();
        assertThat(city.districts()).extracting(City.District::name).containsExactly("Westviertel", "Ostviertel");
        assertThat(city.districts().get(0).areaSquareMeters()).isBetween(0.7e6, 0.8e6); // ~814 m x 890 m
        // one segment per pair of vertices: 2 + 3 + 2
        assertThat(city.roads()).hasSize(7);
        City.RoadSegment ring = city.roads().stream()
                .filter(r -> r.name().equals("Südring"))
                .findFirst()
                .orElseThrow();
        assertThat(ring.roadClass()).isEqualTo(RoadClass.EXPRESSWAY);
        assertThat(ring.lanes()).isEqualTo(3);
        assertThat(ring.speedLimitKmh()).isEqualTo(80);
        assertThat(ring.downstream()).isEqualTo("urn:ngsi-ld:RoadSegment:g2-1");
        assertThat(city.roads().stream().filter(r -> r.name().equals("Querweg")))
                .allSatisfy(r -> assertThat(r.roadClass()).isEqualTo(RoadClass.LOCAL));
        // the Querweg crosses the Grenzallee at a shared vertex: one intersection, where three segments meet
        City.RoadSegment allee = city.roads().get(0);
        City.RoadSegment querweg = city.roads().get(3);
        assertThat(querweg.to()).isEqualTo(allee.to());
        assertThat(city.intersections()).hasSize(9);

        assertThat(city.lamps()).isNotEmpty();
        assertThat(city.detectors()).isNotEmpty().allSatisfy(d -> assertThat(d.road())
                .containsAnyOf(":g0-", ":g2-"));
        assertThat(city.dmas()).hasSize(2);
        Map<String, City.District> byId = new java.util.HashMap<>();
        city.districts().forEach(d -> byId.put(d.id(), d));
        assertThat(city.energyMeters()).isNotEmpty().allSatisfy(e -> assertThat(
                        byId.get(e.district()).contains(e.at()))
                .as(e.id())
                .isTrue());
        assertThat(city.airStations())
                .allSatisfy(
                        a -> assertThat(byId.get(a.district()).contains(a.at())).isTrue());
        assertThat(load()).isEqualTo(city);
    }

    @Test
    void entities_carryTheDistrictPolygons_andEveryRelationshipResolves() throws Exception {
        City city = load();
        List<Map<String, Object>> entities = new CityEntities(city).all();
        Set<String> ids = new HashSet<>();
        entities.forEach(e -> ids.add((String) e.get("id")));
        assertThat(ids).hasSize(city.size());
        Map<String, Object> west = entities.get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> geometry = (Map<String, Object>) ((Map<String, Object>) west.get("location")).get("value");
        assertThat(geometry).containsEntry("type", "Polygon");
        assertThat(geometry.get("coordinates").toString()).contains("13.4", "52.5");
        for (Map<String, Object> e : entities) {
            for (Object v : e.values()) {
                if (v instanceof Map<?, ?> a && "Relationship".equals(a.get("type"))) {
                    assertThat(ids).as("%s -> %s", e.get("id"), a.get("object")).contains((String) a.get("object"));
                }
            }
        }
        // and it runs: the devices of this city report
        Simulation sim = new Simulation(new Behaviour(city, java.time.ZoneId.of("Europe/Berlin"), FaultPlan.none()));
        java.time.Instant t = java.time.Instant.parse("2026-11-17T17:00:00Z");
        assertThat(sim.due(t, t.plusSeconds(300))).isNotEmpty();
    }

    @Test
    void aFileWithoutDistrictsOrRoads_isRefusedClearly() throws Exception {
        Path none = Files.writeString(dir.resolve("none.geojson"), "{\"type\": \"Feature\"}");
        assertThatThrownBy(() -> GeoJsonCity.load(none, CitySpec.of(CitySize.SMALL, 1)))
                .isInstanceOf(SimulatorException.class)
                .hasMessageContaining("FeatureCollection");
        Path roadsOnly = Files.writeString(
                dir.resolve("roads.geojson"),
                "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
                        + "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[13.4,52.5],[13.41,52.5]]}}]}");
        assertThatThrownBy(() -> GeoJsonCity.load(roadsOnly, CitySpec.of(CitySize.SMALL, 1)))
                .isInstanceOf(SimulatorException.class)
                .hasMessageContaining("no district");
    }
}
