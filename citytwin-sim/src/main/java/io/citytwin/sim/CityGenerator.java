package io.citytwin.sim;

import io.citytwin.sim.City.AirStation;
import io.citytwin.sim.City.Cabinet;
import io.citytwin.sim.City.Detector;
import io.citytwin.sim.City.District;
import io.citytwin.sim.City.Dma;
import io.citytwin.sim.City.EnergyMeter;
import io.citytwin.sim.City.EvCharger;
import io.citytwin.sim.City.Intersection;
import io.citytwin.sim.City.Lamp;
import io.citytwin.sim.City.LampGroup;
import io.citytwin.sim.City.ParkingSpot;
import io.citytwin.sim.City.RoadSegment;
import io.citytwin.sim.City.Vehicle;
import io.citytwin.sim.City.WasteContainer;
import io.citytwin.sim.City.WaterMeter;
import io.citytwin.sim.City.WaterQualityStation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/*
 * THE CITY LAYOUT
 *
 * A Manhattan grid, which is what most generated test cities use and what keeps every relationship checkable:
 * N = districtsPerSide * blocksPerDistrict blocks per side, so N+1 horizontal and N+1 vertical roads crossing at
 * (N+1)^2 intersections. A road's class follows from its grid index i: the outer ring (i = 0 or N) is the
 * expressway, district boundaries (i divisible by blocksPerDistrict) are arterials, every other even line a
 * collector, the rest local streets. So every district is bounded by arterials, detectors on expressways and
 * arterials form chains of adjacent stations (what incident detection compares), and lamps, groups and cabinets
 * nest inside one district.
 *
 * Roads are cut into one directed segment per block edge (traffic flows in the direction of increasing index;
 * the opposite direction would double everything without adding behaviour). Each segment belongs to the district
 * that contains its midpoint, boundary segments to the district north or east of them (clamped at the edge).
 *
 * Lamps stand every lampSpacing metres along each segment (half a spacing in from the start), one lamp group per
 * segment, groups bundled eight by eight into the cabinets of their district in segment order. Water: one district
 * metered area (DMA) per district, 60 households per block, mains along every road of the district, inlet meters at
 * the south-west corner and a quality station at the centre. Everything else is placed uniformly at random in its
 * district from the spec's seed: one SplittableRandom drives all placements in a fixed order, so a seed always
 * gives the same city.
 */
/** Generates a {@link City} from a {@link CitySpec}: deterministic, with every relationship resolvable. */
public final class CityGenerator {
    private static final int GROUPS_PER_CABINET = 8;
    private static final int HOUSEHOLDS_PER_BLOCK = 60;
    private static final String[] DISTRICT_NAMES = {
        "Altstadt",
        "Mitte",
        "Nordhafen",
        "Südpark",
        "Westend",
        "Oststadt",
        "Lindenau",
        "Auenfeld",
        "Bergheim",
        "Kanalviertel",
        "Feldmark",
        "Gartenstadt",
        "Hafen",
        "Wiesental",
        "Kirchberg",
        "Marktviertel"
    };

    private CityGenerator() {}

    /** The city of {@code spec}. */
    public static City generate(CitySpec spec) {
        return new Build(spec, null).run();
    }

    /**
     * A city on given districts, intersections and roads (e.g. from GeoJSON, {@link GeoJsonCity}): everything else
     * (lamps, cabinets, detectors, water, meters, stations, vehicles) is placed along them as for a generated city,
     * from {@code spec}'s seed and counts.
     */
    static City generate(CitySpec spec, Layout layout) {
        return new Build(spec, layout).run();
    }

    /** Districts, intersections and roads that come from elsewhere. */
    record Layout(List<District> districts, List<Intersection> intersections, List<RoadSegment> roads) {}

    private static final class Build {
        final CitySpec spec;
        final SplittableRandom random;
        final int n; // blocks per side
        final double block;
        final List<District> districts = new ArrayList<>();
        final List<Intersection> intersections = new ArrayList<>();
        final List<RoadSegment> roads = new ArrayList<>();
        final List<Cabinet> cabinets = new ArrayList<>();
        final List<LampGroup> groups = new ArrayList<>();
        final List<Lamp> lamps = new ArrayList<>();
        final List<Detector> detectors = new ArrayList<>();
        final List<Dma> dmas = new ArrayList<>();
        final List<WaterMeter> waterMeters = new ArrayList<>();
        final List<WaterQualityStation> quality = new ArrayList<>();
        final List<AirStation> air = new ArrayList<>();
        final List<EnergyMeter> energy = new ArrayList<>();
        final List<ParkingSpot> parking = new ArrayList<>();
        final List<EvCharger> chargers = new ArrayList<>();
        final List<WasteContainer> waste = new ArrayList<>();
        final List<Vehicle> vehicles = new ArrayList<>();

        final @org.jspecify.annotations.Nullable Layout layout;

        Build(CitySpec spec, @org.jspecify.annotations.Nullable Layout layout) {
            this.layout = layout;
            this.spec = spec;
            this.random = new SplittableRandom(spec.seed());
            this.n = spec.districtsPerSide() * spec.blocksPerDistrict();
            this.block = spec.blockMeters();
        }

        City run() {
            if (layout == null) {
                districts();
                intersections();
                roads();
            } else {
                districts.addAll(layout.districts());
                intersections.addAll(layout.intersections());
                roads.addAll(layout.roads());
            }
            lighting();
            detectors();
            water();
            scattered();
            return new City(
                    spec,
                    districts,
                    intersections,
                    roads,
                    cabinets,
                    groups,
                    lamps,
                    detectors,
                    dmas,
                    waterMeters,
                    quality,
                    air,
                    energy,
                    parking,
                    chargers,
                    waste,
                    vehicles);
        }

        void districts() {
            int d = spec.districtsPerSide();
            double side = spec.blocksPerDistrict() * block;
            for (int row = 0; row < d; row++) {
                for (int col = 0; col < d; col++) {
                    int k = row * d + col;
                    String name = k < DISTRICT_NAMES.length
                            ? DISTRICT_NAMES[k]
                            : DISTRICT_NAMES[k % DISTRICT_NAMES.length] + " " + (k / DISTRICT_NAMES.length + 1);
                    districts.add(new District(
                            "urn:ngsi-ld:District:d" + row + "-" + col,
                            name,
                            row,
                            col,
                            new Point(col * side, row * side),
                            new Point((col + 1) * side, (row + 1) * side)));
                }
            }
        }

        /** The district containing {@code p}; points on a boundary go north/east, clamped at the city edge. */
        District districtOf(Point p) {
            int d = spec.districtsPerSide();
            double side = spec.blocksPerDistrict() * block;
            int col = Math.min(d - 1, Math.max(0, (int) Math.floor(p.x() / side)));
            int row = Math.min(d - 1, Math.max(0, (int) Math.floor(p.y() / side)));
            return districts.get(row * d + col);
        }

        RoadClass classOf(int line) {
            if (line == 0 || line == n) {
                return RoadClass.EXPRESSWAY;
            }
            if (line % spec.blocksPerDistrict() == 0) {
                return RoadClass.ARTERIAL;
            }
            return line % 2 == 0 ? RoadClass.COLLECTOR : RoadClass.LOCAL;
        }

        static String node(int i, int j) {
            return "urn:ngsi-ld:Intersection:x" + i + "-" + j;
        }

        void intersections() {
            for (int i = 0; i <= n; i++) {
                for (int j = 0; j <= n; j++) {
                    Point at = new Point(j * block, i * block);
                    boolean signalised = classOf(i) != RoadClass.LOCAL && classOf(j) != RoadClass.LOCAL;
                    intersections.add(new Intersection(
                            node(i, j), at, signalised, districtOf(at).id()));
                }
            }
        }

        void roads() {
            // horizontal road i runs along y = i*block from west to east; vertical road j along x = j*block north
            for (int horizontal = 0; horizontal <= 1; horizontal++) {
                for (int line = 0; line <= n; line++) {
                    RoadClass rc = classOf(line);
                    String name = (horizontal == 1 ? "Street " : "Avenue ") + line;
                    for (int k = 0; k < n; k++) {
                        boolean h = horizontal == 1;
                        Point start = h ? new Point(k * block, line * block) : new Point(line * block, k * block);
                        Point end =
                                h ? new Point((k + 1) * block, line * block) : new Point(line * block, (k + 1) * block);
                        String from = h ? node(line, k) : node(k, line);
                        String to = h ? node(line, k + 1) : node(k + 1, line);
                        String prefix = "urn:ngsi-ld:RoadSegment:" + (h ? "h" : "v") + line + "-";
                        roads.add(new RoadSegment(
                                prefix + k,
                                name,
                                rc,
                                from,
                                to,
                                start,
                                end,
                                districtOf(start.towards(end, 0.5)).id(),
                                k + 1 < n ? prefix + (k + 1) : null));
                    }
                }
            }
        }

        void lighting() {
            Map<String, List<RoadSegment>> byDistrict = new HashMap<>();
            for (RoadSegment r : roads) {
                byDistrict.computeIfAbsent(r.district(), k -> new ArrayList<>()).add(r);
            }
            for (District d : districts) {
                List<RoadSegment> rs = byDistrict.getOrDefault(d.id(), List.of());
                for (int g = 0; g < rs.size(); g++) {
                    RoadSegment r = rs.get(g);
                    String suffix = d.id().substring(d.id().lastIndexOf(':') + 1);
                    String cabinetId =
                            "urn:ngsi-ld:StreetlightControlCabinet:" + suffix + "-c" + g / GROUPS_PER_CABINET;
                    if (g % GROUPS_PER_CABINET == 0) {
                        cabinets.add(new Cabinet(cabinetId, d.id(), r.start()));
                    }
                    String seg = r.id().substring(r.id().lastIndexOf(':') + 1);
                    String groupId = "urn:ngsi-ld:StreetlightGroup:" + seg;
                    groups.add(new LampGroup(groupId, cabinetId, r.id(), d.id()));
                    RoadClass rc = r.roadClass();
                    int count = Math.max(1, (int) Math.floor(r.lengthMeters() / rc.lampSpacingMeters()));
                    for (int l = 0; l < count; l++) {
                        double f = (l + 0.5) / count;
                        lamps.add(new Lamp(
                                "urn:ngsi-ld:Streetlight:" + seg + "-" + l,
                                groupId,
                                cabinetId,
                                r.id(),
                                d.id(),
                                r.start().towards(r.end(), f),
                                rc.lampWatts()));
                    }
                }
            }
        }

        void detectors() {
            for (RoadSegment r : roads) {
                if (r.roadClass() == RoadClass.EXPRESSWAY || r.roadClass() == RoadClass.ARTERIAL) {
                    String seg = r.id().substring(r.id().lastIndexOf(':') + 1);
                    String downstream = r.downstream() == null
                            ? null
                            : "urn:ngsi-ld:TrafficFlowObserved:"
                                    + r.downstream().substring(r.downstream().lastIndexOf(':') + 1);
                    detectors.add(new Detector(
                            "urn:ngsi-ld:TrafficFlowObserved:" + seg,
                            r.id(),
                            downstream,
                            r.district(),
                            r.start().towards(r.end(), 0.3)));
                }
            }
        }

        void water() {
            Map<String, Double> mains = new HashMap<>();
            for (RoadSegment r : roads) {
                mains.merge(r.district(), r.lengthMeters() / 1000, Double::sum);
            }
            for (District d : districts) {
                String suffix = d.id().substring(d.id().lastIndexOf(':') + 1);
                String dma = "urn:ngsi-ld:DistrictMeteredArea:" + suffix;
                Point inlet = d.min().towards(d.max(), 0.02);
                double blocks = d.areaSquareMeters() / (block * block);
                dmas.add(new Dma(
                        dma,
                        d.id(),
                        (int) Math.max(1, Math.round(blocks * HOUSEHOLDS_PER_BLOCK)),
                        round(mains.getOrDefault(d.id(), 0.0)),
                        inlet));
                waterMeters.add(
                        new WaterMeter("urn:ngsi-ld:WaterMeter:" + suffix + "-flow", dma, WaterMeter.Kind.FLOW, inlet));
                waterMeters.add(new WaterMeter(
                        "urn:ngsi-ld:WaterMeter:" + suffix + "-pressure", dma, WaterMeter.Kind.PRESSURE, inlet));
                quality.add(
                        new WaterQualityStation("urn:ngsi-ld:WaterQualityObserved:" + suffix, dma, d.id(), d.centre()));
            }
        }

        Point somewhereIn(District d) {
            for (int attempt = 0; attempt < 100 && !d.ring().isEmpty(); attempt++) {
                Point p = new Point(
                        d.min().x()
                                + random.nextDouble() * (d.max().x() - d.min().x()),
                        d.min().y()
                                + random.nextDouble() * (d.max().y() - d.min().y()));
                if (d.contains(p)) {
                    return p; // rejection sampling: uniform inside the polygon
                }
            }
            return new Point(
                    d.min().x() + random.nextDouble() * (d.max().x() - d.min().x()),
                    d.min().y() + random.nextDouble() * (d.max().y() - d.min().y()));
        }

        void scattered() {
            List<RoadSegment> streets = new ArrayList<>();
            Map<String, List<RoadSegment>> streetsByDistrict = new HashMap<>();
            for (RoadSegment r : roads) {
                if (r.roadClass() == RoadClass.COLLECTOR || r.roadClass() == RoadClass.LOCAL) {
                    streets.add(r);
                    streetsByDistrict
                            .computeIfAbsent(r.district(), k -> new ArrayList<>())
                            .add(r);
                }
            }
            for (District d : districts) {
                String suffix = d.id().substring(d.id().lastIndexOf(':') + 1);
                for (int i = 0; i < spec.airStationsPerDistrict(); i++) {
                    air.add(new AirStation(
                            "urn:ngsi-ld:AirQualityObserved:" + suffix + "-" + i, d.id(), somewhereIn(d)));
                }
                for (int i = 0; i < spec.energyMetersPerDistrict(); i++) {
                    boolean building = random.nextInt(10) == 0;
                    double meanKw = building ? 10 + random.nextDouble() * 40 : 0.25 + random.nextDouble() * 0.35;
                    energy.add(new EnergyMeter(
                            "urn:ngsi-ld:EnergyMeter:" + suffix + "-" + i,
                            d.id(),
                            building,
                            somewhereIn(d),
                            round(meanKw)));
                }
                List<RoadSegment> local = streetsByDistrict.getOrDefault(d.id(), streets);
                for (int i = 0; i < spec.parkingPerDistrict() && !local.isEmpty(); i++) {
                    RoadSegment r = local.get(random.nextInt(local.size()));
                    Point at = r.start().towards(r.end(), 0.05 + 0.9 * random.nextDouble());
                    parking.add(new ParkingSpot("urn:ngsi-ld:ParkingSpot:" + suffix + "-" + i, r.id(), d.id(), at));
                }
                for (int i = 0; i < spec.chargersPerDistrict(); i++) {
                    chargers.add(new EvCharger(
                            "urn:ngsi-ld:EVChargingStation:" + suffix + "-" + i,
                            d.id(),
                            somewhereIn(d),
                            2 + 2 * random.nextInt(3)));
                }
                for (int i = 0; i < spec.wastePerDistrict(); i++) {
                    waste.add(new WasteContainer(
                            "urn:ngsi-ld:WasteContainer:" + suffix + "-" + i, d.id(), somewhereIn(d)));
                }
            }
            String[] kinds = {"car", "car", "car", "bus", "truck"};
            for (int i = 0; i < spec.vehicles(); i++) {
                vehicles.add(new Vehicle(
                        "urn:ngsi-ld:Vehicle:v" + i,
                        kinds[random.nextInt(kinds.length)],
                        roads.get(random.nextInt(roads.size())).id()));
            }
        }

        static double round(double v) {
            return Math.round(v * 1000) / 1000.0;
        }
    }
}
