package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CityGeneratorTest {

    @Test
    void sameSpec_sameCity_otherSeed_otherPlacements() {
        City a = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 42));
        City b = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 42));
        City c = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 43));
        assertThat(a).isEqualTo(b);
        assertThat(c.roads()).isEqualTo(a.roads()); // the grid does not depend on the seed
        assertThat(c.energyMeters()).isNotEqualTo(a.energyMeters());
    }

    @Test
    void small_hasTheGridItsSpecImplies() {
        City city = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 1));
        // 2x2 districts of 4x4 blocks: 8 blocks per side, 9 roads each way of 8 segments
        assertThat(city.districts()).hasSize(4);
        assertThat(city.intersections()).hasSize(81);
        assertThat(city.roads()).hasSize(2 * 9 * 8);
        // expressway ring (lines 0 and 8) and the arterial between the districts (line 4), both directions
        assertThat(city.detectors()).hasSize(2 * 3 * 8);
        assertThat(city.dmas()).hasSize(4);
        assertThat(city.waterMeters()).hasSize(8);
        assertThat(city.energyMeters()).hasSize(400);
        assertThat(city.lamps()).hasSizeBetween(700, 1000);
        assertThat(city.size()).isBetween(1500, 3000);
        assertThat(city.spec().sideMeters()).isEqualTo(1600.0);
    }

    @Test
    void large_hasMoreThan100000Things() {
        City city = CityGenerator.generate(CitySpec.of(CitySize.LARGE, 7));
        assertThat(city.size()).isGreaterThan(100_000);
        assertValid(city);
    }

    @Test
    void lonLat_isTheOriginAtZero_andAboutAKilometrePerKilometre() {
        CitySpec spec = CitySpec.of(CitySize.SMALL, 1);
        assertThat(spec.lonLat(new Point(0, 0))).containsExactly(13.30, 52.45);
        double[] ne = spec.lonLat(new Point(1000, 1000));
        assertThat((ne[1] - 52.45) * 111_320).isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
        assertThat((ne[0] - 13.30) * 111_320 * Math.cos(Math.toRadians(52.45)))
                .isCloseTo(1000, org.assertj.core.data.Offset.offset(1.0));
    }

    @Property(tries = 30)
    void anySeedAndShape_givesAValidCity(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int districts,
            @ForAll @IntRange(min = 2, max = 6) int blocks) {
        assertValid(
                CityGenerator.generate(new CitySpec(seed, districts, blocks, 150, 13.3, 52.45, 20, 10, 2, 5, 1, 10)));
    }

    /** Ids are unique; every relationship points at a thing that exists; things lie in their district. */
    static void assertValid(City city) {
        Set<String> ids = new HashSet<>();
        Map<String, City.District> districts = new HashMap<>();
        for (City.District d : city.districts()) {
            districts.put(d.id(), d);
        }
        Map<String, City.RoadSegment> roads = new HashMap<>();
        for (City.RoadSegment r : city.roads()) {
            roads.put(r.id(), r);
        }
        Set<String> nodes = new HashSet<>();
        city.intersections().forEach(i -> nodes.add(i.id()));
        Set<String> cabinets = new HashSet<>();
        city.cabinets().forEach(c -> cabinets.add(c.id()));
        Map<String, City.LampGroup> groups = new HashMap<>();
        city.lampGroups().forEach(g -> groups.put(g.id(), g));
        Set<String> detectors = new HashSet<>();
        city.detectors().forEach(d -> detectors.add(d.id()));
        Set<String> dmas = new HashSet<>();
        city.dmas().forEach(d -> dmas.add(d.id()));

        for (List<? extends Record> things : List.of(
                city.districts(),
                city.intersections(),
                city.roads(),
                city.cabinets(),
                city.lampGroups(),
                city.lamps(),
                city.detectors(),
                city.dmas(),
                city.waterMeters(),
                city.waterQualityStations(),
                city.airStations(),
                city.energyMeters(),
                city.parkingSpots(),
                city.chargers(),
                city.wasteContainers(),
                city.vehicles())) {
            for (Record t : things) {
                String id = (String) invoke(t, "id");
                assertThat(id).startsWith("urn:ngsi-ld:");
                assertThat(ids.add(id)).as("unique id %s", id).isTrue();
            }
        }
        for (City.RoadSegment r : city.roads()) {
            assertThat(nodes).contains(r.from(), r.to());
            assertThat(districts).containsKey(r.district());
            if (r.downstream() != null) {
                assertThat(roads.get(r.downstream()).start()).isEqualTo(r.end());
                assertThat(roads.get(r.downstream()).name()).isEqualTo(r.name());
            }
        }
        for (City.LampGroup g : city.lampGroups()) {
            assertThat(cabinets).contains(g.cabinet());
            assertThat(roads.get(g.road()).district()).isEqualTo(g.district());
        }
        for (City.Lamp l : city.lamps()) {
            City.LampGroup g = groups.get(l.group());
            assertThat(g).isNotNull();
            assertThat(g.cabinet()).isEqualTo(l.cabinet());
            assertThat(districts.get(l.district()).contains(l.at()))
                    .as("lamp %s in its district", l.id())
                    .isTrue();
            assertThat(l.watts()).isPositive();
        }
        for (City.Detector d : city.detectors()) {
            assertThat(roads).containsKey(d.road());
            if (d.downstream() != null) {
                assertThat(detectors).contains(d.downstream());
            }
        }
        city.waterMeters().forEach(m -> assertThat(dmas).contains(m.dma()));
        city.waterQualityStations().forEach(q -> assertThat(dmas).contains(q.dma()));
        city.energyMeters().forEach(m -> assertThat(districts.get(m.district()).contains(m.at()))
                .isTrue());
        city.parkingSpots().forEach(p -> assertThat(roads).containsKey(p.road()));
        city.vehicles().forEach(v -> assertThat(roads).containsKey(v.road()));
    }

    private static Object invoke(Record r, String accessor) {
        try {
            return r.getClass().getMethod(accessor).invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
