package io.citytwin.sim;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A generated city: every thing with its id (an NGSI-LD entity id), its position and its relationships. Immutable;
 * lists are in generation order, which is deterministic for a {@link CitySpec}.
 */
public record City(
        CitySpec spec,
        List<District> districts,
        List<Intersection> intersections,
        List<RoadSegment> roads,
        List<Cabinet> cabinets,
        List<LampGroup> lampGroups,
        List<Lamp> lamps,
        List<Detector> detectors,
        List<Dma> dmas,
        List<WaterMeter> waterMeters,
        List<WaterQualityStation> waterQualityStations,
        List<AirStation> airStations,
        List<EnergyMeter> energyMeters,
        List<ParkingSpot> parkingSpots,
        List<EvCharger> chargers,
        List<WasteContainer> wasteContainers,
        List<Vehicle> vehicles) {

    public City {
        Objects.requireNonNull(spec);
        districts = List.copyOf(districts);
        intersections = List.copyOf(intersections);
        roads = List.copyOf(roads);
        cabinets = List.copyOf(cabinets);
        lampGroups = List.copyOf(lampGroups);
        lamps = List.copyOf(lamps);
        detectors = List.copyOf(detectors);
        dmas = List.copyOf(dmas);
        waterMeters = List.copyOf(waterMeters);
        waterQualityStations = List.copyOf(waterQualityStations);
        airStations = List.copyOf(airStations);
        energyMeters = List.copyOf(energyMeters);
        parkingSpots = List.copyOf(parkingSpots);
        chargers = List.copyOf(chargers);
        wasteContainers = List.copyOf(wasteContainers);
        vehicles = List.copyOf(vehicles);
    }

    /** Every thing that becomes a twin entity, counted. */
    /** Each detector with a detector before it on its road, by id -> that upstream detector. */
    public java.util.Map<String, Detector> upstreamOf() {
        java.util.Map<String, Detector> up = new java.util.HashMap<>();
        for (Detector d : detectors) {
            if (d.downstream() != null) {
                up.put(d.downstream(), d);
            }
        }
        return up;
    }

    public int size() {
        return districts.size()
                + intersections.size()
                + roads.size()
                + cabinets.size()
                + lampGroups.size()
                + lamps.size()
                + detectors.size()
                + dmas.size()
                + waterMeters.size()
                + waterQualityStations.size()
                + airStations.size()
                + energyMeters.size()
                + parkingSpots.size()
                + chargers.size()
                + wasteContainers.size()
                + vehicles.size();
    }

    /**
     * The things directly above and below {@code id} in the city's hierarchy (lamp: its group, cabinet and road;
     * cabinet: its groups and lamps; detector: its road and the detectors up- and downstream; DMA: its meters and
     * quality stations; a meter or station: its DMA), for matching an alarm raised on a neighbour of a faulty thing.
     * Empty for an unknown id. Linear in the city's size: for the ground truth, not for a hot path.
     */
    public java.util.Set<String> related(String id) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Lamp l : lamps) {
            if (l.id().equals(id)) {
                out.add(l.group());
                out.add(l.cabinet());
                out.add(l.road());
            } else if (l.cabinet().equals(id) || l.group().equals(id)) {
                out.add(l.id());
            }
        }
        for (LampGroup g : lampGroups) {
            if (g.cabinet().equals(id)) {
                out.add(g.id());
            } else if (g.id().equals(id)) {
                out.add(g.cabinet());
            }
        }
        for (Detector d : detectors) {
            if (d.id().equals(id)) {
                out.add(d.road());
                if (d.downstream() != null) {
                    out.add(d.downstream());
                }
            } else if (id.equals(d.downstream())) {
                out.add(d.id());
            }
        }
        for (WaterMeter w : waterMeters) {
            if (w.dma().equals(id)) {
                out.add(w.id());
            } else if (w.id().equals(id)) {
                out.add(w.dma());
            }
        }
        for (WaterQualityStation q : waterQualityStations) {
            if (q.dma().equals(id)) {
                out.add(q.id());
            } else if (q.id().equals(id)) {
                out.add(q.dma());
            }
        }
        out.remove(id);
        return out;
    }

    /**
     * A district: an axis-aligned square of blocks bounded by arterials (generated), or a polygon (from GeoJSON:
     * {@code ring} is its closed exterior ring, {@code min}/{@code max} its bounding box).
     */
    public record District(String id, String name, int row, int col, Point min, Point max, List<Point> ring) {
        public District {
            ring = List.copyOf(ring);
        }

        /** A rectangular district. */
        public District(String id, String name, int row, int col, Point min, Point max) {
            this(id, name, row, col, min, max, List.of());
        }

        /** Whether {@code p} is inside (the even-odd rule over the ring; the box for a rectangle). */
        public boolean contains(Point p) {
            boolean inBox = p.x() >= min.x() && p.x() <= max.x() && p.y() >= min.y() && p.y() <= max.y();
            if (ring.isEmpty() || !inBox) {
                return inBox;
            }
            boolean inside = false; // ray casting (W. R. Franklin, PNPOLY)
            for (int i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
                Point a = ring.get(i);
                Point b = ring.get(j);
                if ((a.y() > p.y()) != (b.y() > p.y())
                        && p.x() < (b.x() - a.x()) * (p.y() - a.y()) / (b.y() - a.y()) + a.x()) {
                    inside = !inside;
                }
            }
            return inside;
        }

        /** The area in square metres (shoelace formula over the ring; the box for a rectangle). */
        public double areaSquareMeters() {
            if (ring.isEmpty()) {
                return (max.x() - min.x()) * (max.y() - min.y());
            }
            double twice = 0;
            for (int i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
                twice += (ring.get(j).x() + ring.get(i).x())
                        * (ring.get(j).y() - ring.get(i).y());
            }
            return Math.abs(twice) / 2;
        }

        public Point centre() {
            return min.towards(max, 0.5);
        }
    }

    /** A node of the road graph; signalised where two roads of collector class or above cross. */
    public record Intersection(String id, Point at, boolean signalised, String district) {}

    /**
     * A directed road segment between two adjacent intersections (traffic is simulated in the direction of
     * increasing grid index).
     *
     * @param downstream the next segment along the same road, null at the city edge
     * @param lanes lanes per direction
     * @param speedLimitKmh the posted limit, taken as the free-flow speed
     */
    public record RoadSegment(
            String id,
            String name,
            RoadClass roadClass,
            String from,
            String to,
            Point start,
            Point end,
            String district,
            @Nullable String downstream,
            int lanes,
            int speedLimitKmh) {
        /** A segment with its class's lanes and speed limit. */
        public RoadSegment(
                String id,
                String name,
                RoadClass roadClass,
                String from,
                String to,
                Point start,
                Point end,
                String district,
                @Nullable String downstream) {
            this(
                    id,
                    name,
                    roadClass,
                    from,
                    to,
                    start,
                    end,
                    district,
                    downstream,
                    roadClass.lanes(),
                    roadClass.speedLimitKmh());
        }

        public double lengthMeters() {
            return start.distance(end);
        }
    }

    /** A street-lighting control cabinet (feeder) of a district. */
    public record Cabinet(String id, String district, Point at) {}

    /** The lamps of one road segment, switched together from one cabinet. */
    public record LampGroup(String id, String cabinet, String road, String district) {}

    /** A street lamp (LED luminaire) with its rated power. */
    public record Lamp(String id, String group, String cabinet, String road, String district, Point at, double watts) {}

    /** A traffic detector (loop) on a segment; {@code downstream} is the next detector along the road. */
    public record Detector(String id, String road, @Nullable String downstream, String district, Point at) {}

    /**
     * A district metered area: one per district, fed through one inlet.
     *
     * @param households service connections, for demand and legitimate night use
     * @param mainsKm length of mains (the district's roads)
     */
    public record Dma(String id, String district, int households, double mainsKm, Point inlet) {}

    /** A meter at a DMA inlet: flow (m3/h) or pressure (m). */
    public record WaterMeter(String id, String dma, Kind kind, Point at) {
        public enum Kind {
            FLOW,
            PRESSURE
        }
    }

    /** A drinking-water quality station in a DMA. */
    public record WaterQualityStation(String id, String dma, String district, Point at) {}

    /** An air-quality station. */
    public record AirStation(String id, String district, Point at) {}

    /** An electricity meter of a household or a building, with its mean load. */
    public record EnergyMeter(String id, String district, boolean building, Point at, double meanKw) {}

    /** An on-street parking spot along a segment. */
    public record ParkingSpot(String id, String road, String district, Point at) {}

    /** An EV charging station. */
    public record EvCharger(String id, String district, Point at, int sockets) {}

    /** A waste container. */
    public record WasteContainer(String id, String district, Point at) {}

    /** A vehicle of the fleet; it starts on {@code road}. */
    public record Vehicle(String id, String kind, String road) {}
}
