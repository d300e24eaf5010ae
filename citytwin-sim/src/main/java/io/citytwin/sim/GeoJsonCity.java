package io.citytwin.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.sim.City.District;
import io.citytwin.sim.City.Intersection;
import io.citytwin.sim.City.RoadSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * A CITY FROM GEOJSON
 *
 * A FeatureCollection (RFC 7946) gives the districts (Polygon features; properties.name) and the roads (LineString and
 * MultiLineString features; properties.class = expressway|arterial|collector|local, or an OpenStreetMap highway
 * value: motorway/trunk -> expressway, primary/secondary -> arterial, tertiary -> collector, anything else -> local;
 * optional lanes (per direction) and speed (km/h, also maxspeed) overriding the class's; properties.name). The
 * simulator works in local metres: the origin is the south-west corner of everything, and positions are projected
 * equirectangularly around it (CitySpec.lonLat is the inverse), exact to centimetres over a city. Each road is cut
 * into one directed segment per pair of consecutive vertices (traffic runs in drawing order); vertices at the same
 * position (to 1e-7 degrees, about 1 cm) are one intersection, signalised where three or more segments of collector
 * class or above meet. A segment belongs to the district containing its midpoint, else to the nearest district
 * centre. Everything else is placed along these as for a generated city (CityGenerator), from the spec's seed.
 */
/** Loads districts and roads from a GeoJSON FeatureCollection and places the rest of the city along them. */
public final class GeoJsonCity {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeoJsonCity() {}

    /**
     * The city of {@code file}, with the seed and counts of {@code spec} (its origin is replaced by the file's).
     *
     * @throws SimulatorException naming what is wrong with the file
     */
    public static City load(Path file, CitySpec spec) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new SimulatorException("Cannot read the GeoJSON city " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !"FeatureCollection".equals(root.path("type").asText())) {
            throw new SimulatorException(file + " is not a GeoJSON FeatureCollection");
        }
        double minLon = Double.MAX_VALUE;
        double minLat = Double.MAX_VALUE;
        for (JsonNode f : root.path("features")) {
            for (double[] ll : positions(f.path("geometry").path("coordinates"), new ArrayList<>())) {
                minLon = Math.min(minLon, ll[0]);
                minLat = Math.min(minLat, ll[1]);
            }
        }
        if (minLon == Double.MAX_VALUE) {
            throw new SimulatorException(file + " has no coordinates");
        }
        CitySpec local = new CitySpec(
                spec.seed(),
                spec.districtsPerSide(),
                spec.blocksPerDistrict(),
                spec.blockMeters(),
                minLon,
                minLat,
                spec.energyMetersPerDistrict(),
                spec.parkingPerDistrict(),
                spec.chargersPerDistrict(),
                spec.wastePerDistrict(),
                spec.airStationsPerDistrict(),
                spec.vehicles());
        double cos = Math.cos(Math.toRadians(minLat));
        List<District> districts = new ArrayList<>();
        List<JsonNode> roadFeatures = new ArrayList<>();
        for (JsonNode f : root.path("features")) {
            String type = f.path("geometry").path("type").asText();
            switch (type) {
                case "Polygon" -> {
                    List<Point> ring = new ArrayList<>();
                    for (double[] ll :
                            positions(f.path("geometry").path("coordinates").path(0), new ArrayList<>())) {
                        ring.add(project(ll, minLon, minLat, cos));
                    }
                    if (ring.size() < 4) {
                        throw new SimulatorException("District polygon " + districts.size() + " of " + file
                                + " needs a closed ring of at least 4 positions");
                    }
                    double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
                    for (Point p : ring) {
                        x0 = Math.min(x0, p.x());
                        y0 = Math.min(y0, p.y());
                        x1 = Math.max(x1, p.x());
                        y1 = Math.max(y1, p.y());
                    }
                    int k = districts.size();
                    String name = f.path("properties").path("name").asText("District " + (k + 1));
                    districts.add(new District(
                            "urn:ngsi-ld:District:g" + k, name, 0, k, new Point(x0, y0), new Point(x1, y1), ring));
                }
                case "LineString", "MultiLineString" -> roadFeatures.add(f);
                default -> {
                    // points and other geometries are not part of the street plan
                }
            }
        }
        if (districts.isEmpty()) {
            throw new SimulatorException(file + " has no district: add Polygon features with a name");
        }
        if (roadFeatures.isEmpty()) {
            throw new SimulatorException(file + " has no road: add LineString features with a class");
        }
        Map<String, Intersection> nodes = new LinkedHashMap<>();
        Map<String, Integer> degree = new HashMap<>();
        Map<String, Boolean> major = new HashMap<>();
        List<RoadSegment> roads = new ArrayList<>();
        for (int i = 0; i < roadFeatures.size(); i++) {
            JsonNode f = roadFeatures.get(i);
            JsonNode props = f.path("properties");
            RoadClass rc = roadClass(props);
            int lanes =
                    props.path("lanes").canConvertToInt() && props.path("lanes").asInt() > 0
                            ? props.path("lanes").asInt()
                            : rc.lanes();
            JsonNode speedNode = props.has("speed") ? props.path("speed") : props.path("maxspeed");
            int speed = speedNode.asInt(0) > 0 ? speedNode.asInt() : rc.speedLimitKmh();
            String name = props.path("name").asText("Road " + (i + 1));
            JsonNode coordinates = f.path("geometry").path("coordinates");
            List<JsonNode> parts = new ArrayList<>();
            if (f.path("geometry").path("type").asText().equals("LineString")) {
                parts.add(coordinates);
            } else {
                coordinates.forEach(parts::add);
            }
            int k = 0;
            List<RoadSegment> mine = new ArrayList<>();
            for (JsonNode part : parts) {
                List<double[]> line = positions(part, new ArrayList<>());
                for (int v = 0; v + 1 < line.size(); v++) {
                    Point a = project(line.get(v), minLon, minLat, cos);
                    Point b = project(line.get(v + 1), minLon, minLat, cos);
                    if (a.distance(b) < 1) {
                        continue; // duplicate vertex
                    }
                    String from = node(nodes, line.get(v), a, districts);
                    String to = node(nodes, line.get(v + 1), b, districts);
                    for (String n : List.of(from, to)) {
                        degree.merge(n, 1, Integer::sum);
                        if (rc != RoadClass.LOCAL) {
                            major.put(n, true);
                        }
                    }
                    mine.add(new RoadSegment(
                            "urn:ngsi-ld:RoadSegment:g" + i + "-" + k++,
                            name,
                            rc,
                            from,
                            to,
                            a,
                            b,
                            districtOf(a.towards(b, 0.5), districts).id(),
                            null,
                            lanes,
                            speed));
                }
            }
            for (int s = 0; s < mine.size(); s++) {
                RoadSegment r = mine.get(s);
                String downstream = s + 1 < mine.size() ? mine.get(s + 1).id() : null;
                roads.add(new RoadSegment(
                        r.id(),
                        r.name(),
                        r.roadClass(),
                        r.from(),
                        r.to(),
                        r.start(),
                        r.end(),
                        r.district(),
                        downstream,
                        r.lanes(),
                        r.speedLimitKmh()));
            }
        }
        List<Intersection> intersections = new ArrayList<>();
        for (Intersection x : nodes.values()) {
            boolean signalised = degree.getOrDefault(x.id(), 0) >= 3 && major.getOrDefault(x.id(), false);
            intersections.add(new Intersection(x.id(), x.at(), signalised, x.district()));
        }
        return CityGenerator.generate(local, new CityGenerator.Layout(districts, intersections, roads));
    }

    private static String node(Map<String, Intersection> nodes, double[] ll, Point at, List<District> districts) {
        String key = Math.round(ll[0] * 1e7) + "," + Math.round(ll[1] * 1e7);
        Intersection x = nodes.get(key);
        if (x == null) {
            x = new Intersection(
                    "urn:ngsi-ld:Intersection:n" + nodes.size(),
                    at,
                    false,
                    districtOf(at, districts).id());
            nodes.put(key, x);
        }
        return x.id();
    }

    static RoadClass roadClass(JsonNode props) {
        String c = props.path("class")
                .asText(props.path("highway").asText("local"))
                .toLowerCase(Locale.ROOT);
        return switch (c) {
            case "expressway", "motorway", "trunk", "motorway_link", "trunk_link" -> RoadClass.EXPRESSWAY;
            case "arterial", "primary", "secondary", "primary_link", "secondary_link" -> RoadClass.ARTERIAL;
            case "collector", "tertiary", "tertiary_link" -> RoadClass.COLLECTOR;
            default -> RoadClass.LOCAL;
        };
    }

    private static District districtOf(Point p, List<District> districts) {
        District nearest = districts.get(0);
        double best = Double.MAX_VALUE;
        for (District d : districts) {
            if (d.contains(p)) {
                return d;
            }
            double dist = d.centre().distance(p);
            if (dist < best) {
                best = dist;
                nearest = d;
            }
        }
        return nearest;
    }

    private static Point project(double[] ll, double lon0, double lat0, double cos) {
        return new Point(
                (ll[0] - lon0) * CitySpec.METERS_PER_DEGREE * cos, (ll[1] - lat0) * CitySpec.METERS_PER_DEGREE);
    }

    /** Every position ([lon, lat, ...] array of numbers) nested in {@code coordinates}, in order. */
    private static List<double[]> positions(JsonNode coordinates, List<double[]> out) {
        if (coordinates.isArray()
                && coordinates.size() >= 2
                && coordinates.get(0).isNumber()) {
            double lon = coordinates.get(0).asDouble();
            double lat = coordinates.get(1).asDouble();
            if (!(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 80)) {
                throw new SimulatorException(
                        "Position " + coordinates + " is not a longitude/latitude away from" + " the poles");
            }
            out.add(new double[] {lon, lat});
        } else if (coordinates.isArray()) {
            for (JsonNode c : coordinates) {
                positions(c, out);
            }
        }
        return out;
    }
}
