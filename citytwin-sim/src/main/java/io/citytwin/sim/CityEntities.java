package io.citytwin.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The twin entities of a {@link City}, as NGSI-LD normalized JSON values (maps, lists, strings, numbers), ready to be
 * upserted in batches. Types and attribute names follow the FIWARE Smart Data Models where a model exists
 * (Streetlight, StreetlightGroup, StreetlightControlCabinet, RoadSegment, TrafficFlowObserved, WaterQualityObserved,
 * AirQualityObserved, ParkingSpot, EVChargingStation, WasteContainer, Vehicle) and are plain terms otherwise
 * (District, Intersection, DistrictMeteredArea, WaterMeter, EnergyMeter). Terms are left unexpanded: the client
 * sends them with the context it uses for everything else.
 *
 * <p>The hierarchy is explicit in relationships: lamp {@code refStreetlightGroup} -> group {@code
 * refStreetlightControlCabinet} -> cabinet {@code refDistrict} -> district; detector {@code refRoadSegment} -> road
 * segment; meters and quality stations {@code refDistrictMeteredArea} -> DMA {@code refDistrict}. Every entity also
 * carries {@code refDistrict} for roll-ups.
 */
public final class CityEntities {
    private final City city;

    public CityEntities(City city) {
        this.city = city;
    }

    /** Every entity, parents before children (districts first), so relationships resolve as they arrive. */
    public List<Map<String, Object>> all() {
        List<Map<String, Object>> out = new ArrayList<>(city.size());
        forEach(out::add);
        return out;
    }

    /** Streams every entity in the order of {@link #all()} without holding them all. */
    public void forEach(Consumer<Map<String, Object>> sink) {
        CitySpec spec = city.spec();
        Map<String, City.RoadSegment> roads = new java.util.HashMap<>();
        for (City.RoadSegment r : city.roads()) {
            roads.put(r.id(), r);
        }
        for (City.District d : city.districts()) {
            Map<String, Object> e = entity(d.id(), "District");
            e.put("name", property(d.name()));
            e.put("location", geo(d.ring().isEmpty() ? polygon(spec, d.min(), d.max()) : ring(spec, d.ring())));
            sink.accept(e);
        }
        for (City.Dma d : city.dmas()) {
            Map<String, Object> e = entity(d.id(), "DistrictMeteredArea");
            e.put("households", property(d.households()));
            e.put("mainsLength", property(d.mainsKm(), "KMT"));
            e.put("location", geo(point(spec, d.inlet())));
            e.put("refDistrict", relationship(d.district()));
            sink.accept(e);
        }
        for (City.Intersection i : city.intersections()) {
            Map<String, Object> e = entity(i.id(), "Intersection");
            e.put("signalised", property(i.signalised()));
            e.put("location", geo(point(spec, i.at())));
            e.put("refDistrict", relationship(i.district()));
            sink.accept(e);
        }
        for (City.RoadSegment r : city.roads()) {
            Map<String, Object> e = entity(r.id(), "RoadSegment");
            e.put("name", property(r.name()));
            e.put("roadClass", property(r.roadClass().label()));
            e.put("totalLaneNumber", property(r.lanes()));
            e.put("maximumAllowedSpeed", property(r.speedLimitKmh(), "KMH"));
            e.put("length", property(Behaviour.round(r.lengthMeters(), 1), "MTR"));
            e.put("location", geo(line(spec, r.start(), r.end())));
            e.put("startPoint", relationship(r.from()));
            e.put("endPoint", relationship(r.to()));
            if (r.downstream() != null) {
                e.put("refDownstream", relationship(r.downstream()));
            }
            e.put("refDistrict", relationship(r.district()));
            sink.accept(e);
        }
        for (City.Cabinet c : city.cabinets()) {
            Map<String, Object> e = entity(c.id(), "StreetlightControlCabinet");
            e.put("location", geo(point(spec, c.at())));
            e.put("refDistrict", relationship(c.district()));
            sink.accept(e);
        }
        for (City.LampGroup g : city.lampGroups()) {
            Map<String, Object> e = entity(g.id(), "StreetlightGroup");
            e.put("refStreetlightControlCabinet", relationship(g.cabinet()));
            e.put("refRoadSegment", relationship(g.road()));
            e.put("refDistrict", relationship(g.district()));
            sink.accept(e);
        }
        for (City.Lamp l : city.lamps()) {
            Map<String, Object> e = entity(l.id(), "Streetlight");
            e.put("location", geo(point(spec, l.at())));
            e.put("powerState", property("off"));
            e.put("ratedPower", property(l.watts(), "WTT"));
            e.put("refStreetlightGroup", relationship(l.group()));
            e.put("refStreetlightControlCabinet", relationship(l.cabinet()));
            e.put("refRoadSegment", relationship(l.road()));
            e.put("refDistrict", relationship(l.district()));
            sink.accept(e);
        }
        // the station before each one on its road: a last station (no downstream one) is compared with it
        Map<String, City.Detector> upstream = city.upstreamOf();
        for (City.Detector d : city.detectors()) {
            Map<String, Object> e = entity(d.id(), "TrafficFlowObserved");
            e.put("location", geo(point(spec, d.at())));
            e.put("refRoadSegment", relationship(d.road()));
            if (d.downstream() != null) {
                e.put("refDownstream", relationship(d.downstream()));
            }
            City.Detector up = upstream.get(d.id());
            if (up != null) {
                e.put("refUpstream", relationship(up.id()));
            }
            e.put("refDistrict", relationship(d.district()));
            sink.accept(e);
        }
        for (City.WaterMeter m : city.waterMeters()) {
            Map<String, Object> e = entity(m.id(), "WaterMeter");
            e.put("category", property(m.kind() == City.WaterMeter.Kind.FLOW ? "flow" : "pressure"));
            e.put("location", geo(point(spec, m.at())));
            e.put("refDistrictMeteredArea", relationship(m.dma()));
            sink.accept(e);
        }
        for (City.WaterQualityStation q : city.waterQualityStations()) {
            Map<String, Object> e = entity(q.id(), "WaterQualityObserved");
            e.put("location", geo(point(spec, q.at())));
            e.put("refDistrictMeteredArea", relationship(q.dma()));
            e.put("refDistrict", relationship(q.district()));
            sink.accept(e);
        }
        for (City.AirStation a : city.airStations()) {
            sink.accept(located(a.id(), "AirQualityObserved", spec, a.at(), a.district()));
        }
        for (City.EnergyMeter m : city.energyMeters()) {
            Map<String, Object> e = located(m.id(), "EnergyMeter", spec, m.at(), m.district());
            e.put("category", property(m.building() ? "building" : "household"));
            sink.accept(e);
        }
        for (City.ParkingSpot p : city.parkingSpots()) {
            Map<String, Object> e = located(p.id(), "ParkingSpot", spec, p.at(), p.district());
            e.put("category", property(List.of("onStreet")));
            e.put("refRoadSegment", relationship(p.road()));
            sink.accept(e);
        }
        for (City.EvCharger c : city.chargers()) {
            Map<String, Object> e = located(c.id(), "EVChargingStation", spec, c.at(), c.district());
            e.put("capacity", property(c.sockets()));
            sink.accept(e);
        }
        for (City.WasteContainer w : city.wasteContainers()) {
            sink.accept(located(w.id(), "WasteContainer", spec, w.at(), w.district()));
        }
        for (City.Vehicle v : city.vehicles()) {
            Map<String, Object> e = entity(v.id(), "Vehicle");
            e.put("vehicleType", property(v.kind()));
            e.put("location", geo(point(spec, roads.get(v.road()).start()))); // until it reports
            e.put("refRoadSegment", relationship(v.road()));
            sink.accept(e);
        }
    }

    private static Map<String, Object> located(String id, String type, CitySpec spec, Point at, String district) {
        Map<String, Object> e = entity(id, type);
        e.put("location", geo(point(spec, at)));
        e.put("refDistrict", relationship(district));
        return e;
    }

    private static Map<String, Object> entity(String id, String type) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("type", type);
        return e;
    }

    static Map<String, Object> property(Object value) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "Property");
        p.put("value", value);
        return p;
    }

    static Map<String, Object> property(Object value, String unitCode) {
        Map<String, Object> p = property(value);
        p.put("unitCode", unitCode);
        return p;
    }

    static Map<String, Object> relationship(String object) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", "Relationship");
        r.put("object", object);
        return r;
    }

    static Map<String, Object> geo(Map<String, Object> geometry) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("type", "GeoProperty");
        g.put("value", geometry);
        return g;
    }

    static Map<String, Object> point(CitySpec spec, Point p) {
        double[] ll = spec.lonLat(p);
        return Map.of("type", "Point", "coordinates", List.of(ll[0], ll[1]));
    }

    static Map<String, Object> line(CitySpec spec, Point a, Point b) {
        double[] x = spec.lonLat(a);
        double[] y = spec.lonLat(b);
        return Map.of("type", "LineString", "coordinates", List.of(List.of(x[0], x[1]), List.of(y[0], y[1])));
    }

    static Map<String, Object> ring(CitySpec spec, List<Point> ring) {
        List<List<Double>> coordinates = new ArrayList<>(ring.size());
        for (Point p : ring) {
            double[] ll = spec.lonLat(p);
            coordinates.add(List.of(ll[0], ll[1]));
        }
        return Map.of("type", "Polygon", "coordinates", List.of(coordinates));
    }

    static Map<String, Object> polygon(CitySpec spec, Point min, Point max) {
        double[] sw = spec.lonLat(min);
        double[] ne = spec.lonLat(max);
        List<List<Double>> ring = List.of(
                List.of(sw[0], sw[1]),
                List.of(ne[0], sw[1]),
                List.of(ne[0], ne[1]),
                List.of(sw[0], ne[1]),
                List.of(sw[0], sw[1])); // counter-clockwise exterior ring, RFC 7946 section 3.1.6
        return Map.of("type", "Polygon", "coordinates", List.of(ring));
    }
}
