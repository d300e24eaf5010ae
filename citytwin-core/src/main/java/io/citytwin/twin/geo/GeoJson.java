package io.citytwin.twin.geo;

import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * GeoJSON geometries (RFC 7946, clause 3.1) to and from JTS, in WGS84 with x = longitude and y = latitude.
 *
 * <p>Validation is strict; every violation is a {@link TwinException} BadRequestData with code {@code geo.invalid}
 * and a message naming the offending member by its JSON path (e.g. {@code coordinates[0][3]}):
 *
 * <ul>
 *   <li>{@code type} is one of the seven geometry types (Feature and FeatureCollection are not geometries);
 *   <li>{@code coordinates} nests arrays exactly as deep as the type requires and is not empty (RFC 7946 lets
 *       processors treat empty geometries as null; a GeoProperty without a location is useless to every consumer,
 *       so we refuse it instead);
 *   <li>a position has 2 or 3 finite numbers; longitude in [-180, 180], latitude in [-90, 90];
 *   <li>a LineString has at least 2 positions; a linear ring at least 4 and is closed;
 *   <li>Polygons and MultiPolygons are topologically valid in the OGC sense (no self-intersecting rings, holes
 *       inside their shell, parts of a MultiPolygon not overlapping). RFC 7946 does not demand this, but the
 *       spatial predicates of geo-queries are undefined on invalid areas, so we refuse them at the door;
 *   <li>GeometryCollections nest at most {@value #MAX_COLLECTION_DEPTH} deep.
 * </ul>
 *
 * <p>Ring winding order (RFC 7946 clause 3.1.6) is not enforced, as the RFC asks of parsers. Foreign members (e.g.
 * {@code bbox}) are kept in the frozen GeoJSON but ignored for the geometry.
 *
 * <p>All methods are stateless and thread-safe; every geometry is built by the one shared {@link #FACTORY}.
 */
public final class GeoJson {
    /** The factory of every geometry of the twin: floating precision, SRID 4326 (WGS84 lon/lat). */
    public static final GeometryFactory FACTORY = new GeometryFactory(new PrecisionModel(), 4326);

    static final int MAX_COLLECTION_DEPTH = 8;
    private static final String CODE = "geo.invalid";

    private GeoJson() {}

    /**
     * Parses and validates a GeoJSON geometry object.
     *
     * @param json the geometry in the core JSON shape ({@link Json}): a {@code Map} with {@code type} and
     *     {@code coordinates} (or {@code geometries} for a GeometryCollection)
     * @return the frozen GeoJSON as given, with its JTS geometry
     * @throws TwinException BadRequestData {@code geo.invalid} when {@code json} is not a valid geometry
     */
    public static GeoValue parse(Object json) {
        Geometry geometry = geometry(json, "", 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) Json.freeze(json);
        return new GeoValue(frozen, geometry);
    }

    /**
     * Builds a geometry from the query-string form of NGSI-LD geo-queries (ETSI GS CIM 009 clause 4.10), e.g.
     * {@code geometry=Point&coordinates=[8.68,49.41]}.
     *
     * @param geometryType one of Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon
     * @param coordinatesText the coordinates as a JSON array text of numbers, e.g. {@code [[8.6,49.4],[8.7,49.5]]}
     * @throws TwinException BadRequestData {@code geo.invalid} for an unknown type or bad coordinates
     */
    public static Geometry parseCoordinates(String geometryType, String coordinatesText) {
        if ("GeometryCollection".equals(geometryType)) {
            throw invalid("a GeometryCollection has no coordinates and cannot be given in the query-string form");
        }
        Object coordinates = CoordinatesText.parse(coordinatesText);
        return build(geometryType, coordinates, "");
    }

    /**
     * The GeoJSON geometry object of {@code g}, in the core JSON shape (unmodifiable, numbers as {@code Double}).
     * Altitude is written when the coordinate has a z value.
     *
     * @throws TwinException BadRequestData {@code geo.invalid} for an empty geometry or a type GeoJSON lacks
     */
    public static Map<String, Object> toGeoJson(Geometry g) {
        if (g instanceof GeometryCollection gc
                && !(g instanceof MultiPoint)
                && !(g instanceof MultiLineString)
                && !(g instanceof MultiPolygon)) {
            List<Object> geometries = new ArrayList<>(gc.getNumGeometries());
            for (int i = 0; i < gc.getNumGeometries(); i++) {
                geometries.add(toGeoJson(gc.getGeometryN(i)));
            }
            return object("GeometryCollection", "geometries", Collections.unmodifiableList(geometries));
        }
        if (g.isEmpty()) {
            throw invalid("an empty " + g.getGeometryType() + " has no GeoJSON coordinates");
        }
        return object(g.getGeometryType(), "coordinates", coordinatesOf(g));
    }

    private static Map<String, Object> object(String type, String member, Object value) {
        LinkedHashMap<String, Object> m = LinkedHashMap.newLinkedHashMap(2);
        m.put("type", type);
        m.put(member, value);
        return Collections.unmodifiableMap(m);
    }

    private static Object coordinatesOf(Geometry g) {
        return switch (g) {
            case Point p -> position(p.getCoordinate());
            case LineString l -> positions(l.getCoordinates());
            case Polygon p -> rings(p);
            case MultiPoint mp -> {
                List<Object> out = new ArrayList<>(mp.getNumGeometries());
                for (int i = 0; i < mp.getNumGeometries(); i++) {
                    out.add(position(mp.getGeometryN(i).getCoordinate()));
                }
                yield Collections.unmodifiableList(out);
            }
            case MultiLineString ml -> {
                List<Object> out = new ArrayList<>(ml.getNumGeometries());
                for (int i = 0; i < ml.getNumGeometries(); i++) {
                    out.add(positions(ml.getGeometryN(i).getCoordinates()));
                }
                yield Collections.unmodifiableList(out);
            }
            case MultiPolygon mp -> {
                List<Object> out = new ArrayList<>(mp.getNumGeometries());
                for (int i = 0; i < mp.getNumGeometries(); i++) {
                    out.add(rings((Polygon) mp.getGeometryN(i)));
                }
                yield Collections.unmodifiableList(out);
            }
            default -> throw invalid("GeoJSON has no geometry type " + g.getGeometryType());
        };
    }

    private static List<Object> rings(Polygon p) {
        List<Object> out = new ArrayList<>(1 + p.getNumInteriorRing());
        out.add(positions(p.getExteriorRing().getCoordinates()));
        for (int i = 0; i < p.getNumInteriorRing(); i++) {
            out.add(positions(p.getInteriorRingN(i).getCoordinates()));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Object> positions(Coordinate[] cs) {
        List<Object> out = new ArrayList<>(cs.length);
        for (Coordinate c : cs) {
            out.add(position(c));
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Object> position(Coordinate c) {
        return Double.isNaN(c.getZ()) ? List.of(c.x, c.y) : List.of(c.x, c.y, c.getZ());
    }

    // ---- parsing -------------------------------------------------------------------------------------------------

    private static Geometry geometry(Object json, String path, int depth) {
        if (!(json instanceof Map<?, ?> map)) {
            throw invalid(where(path) + "a geometry must be a JSON object, not " + describe(json));
        }
        Object type = map.get("type");
        if (!(type instanceof String t)) {
            throw invalid(where(path) + "member 'type' must be a string, not " + describe(type));
        }
        if ("GeometryCollection".equals(t)) {
            if (depth >= MAX_COLLECTION_DEPTH) {
                throw invalid(where(path) + "GeometryCollections nest deeper than " + MAX_COLLECTION_DEPTH);
            }
            Object members = map.get("geometries");
            if (!(members instanceof List<?> list)) {
                throw invalid(
                        where(path) + "a GeometryCollection needs an array 'geometries', not " + describe(members));
            }
            if (list.isEmpty()) {
                throw invalid(where(path) + "a GeometryCollection must not be empty");
            }
            Geometry[] parts = new Geometry[list.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = geometry(list.get(i), path + "geometries[" + i + "].", depth + 1);
            }
            return FACTORY.createGeometryCollection(parts);
        }
        Object coordinates = map.get("coordinates");
        if (coordinates == null) {
            throw invalid(where(path) + "a " + t + " needs a member 'coordinates'");
        }
        return build(t, coordinates, path);
    }

    private static Geometry build(String type, Object coordinates, String path) {
        String at = path + "coordinates";
        return switch (type) {
            case "Point" -> FACTORY.createPoint(position(coordinates, at));
            case "MultiPoint" -> {
                List<?> list = nonEmptyArray(coordinates, at, "a MultiPoint");
                Point[] points = new Point[list.size()];
                for (int i = 0; i < points.length; i++) {
                    points[i] = FACTORY.createPoint(position(list.get(i), at + "[" + i + "]"));
                }
                yield FACTORY.createMultiPoint(points);
            }
            case "LineString" -> lineString(coordinates, at);
            case "MultiLineString" -> {
                List<?> list = nonEmptyArray(coordinates, at, "a MultiLineString");
                LineString[] lines = new LineString[list.size()];
                for (int i = 0; i < lines.length; i++) {
                    lines[i] = lineString(list.get(i), at + "[" + i + "]");
                }
                yield FACTORY.createMultiLineString(lines);
            }
            case "Polygon" -> checkValid(polygon(coordinates, at), path);
            case "MultiPolygon" -> {
                List<?> list = nonEmptyArray(coordinates, at, "a MultiPolygon");
                Polygon[] polygons = new Polygon[list.size()];
                for (int i = 0; i < polygons.length; i++) {
                    polygons[i] = polygon(list.get(i), at + "[" + i + "]");
                }
                yield checkValid(FACTORY.createMultiPolygon(polygons), path);
            }
            default ->
                throw invalid(where(path) + "unknown geometry type '" + type
                        + "' (expected Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon"
                        + " or GeometryCollection)");
        };
    }

    private static LineString lineString(Object json, String at) {
        List<?> list = nonEmptyArray(json, at, "a LineString");
        if (list.size() < 2) {
            throw invalid(at + ": a LineString needs at least 2 positions, got " + list.size());
        }
        return FACTORY.createLineString(positions(list, at));
    }

    private static Polygon polygon(Object json, String at) {
        List<?> list = nonEmptyArray(json, at, "a Polygon");
        LinearRing shell = ring(list.get(0), at + "[0]");
        LinearRing[] holes = new LinearRing[list.size() - 1];
        for (int i = 0; i < holes.length; i++) {
            holes[i] = ring(list.get(i + 1), at + "[" + (i + 1) + "]");
        }
        return FACTORY.createPolygon(shell, holes);
    }

    private static LinearRing ring(Object json, String at) {
        List<?> list = nonEmptyArray(json, at, "a linear ring");
        if (list.size() < 4) {
            throw invalid(at + ": a linear ring needs at least 4 positions, got " + list.size());
        }
        Coordinate[] cs = positions(list, at);
        if (!cs[0].equals3D(cs[cs.length - 1])) {
            throw invalid(at + ": a linear ring must be closed (its last position equal to its first)");
        }
        return FACTORY.createLinearRing(cs);
    }

    private static Geometry checkValid(Geometry g, String path) {
        TopologyValidationError error = new IsValidOp(g).getValidationError();
        if (error != null) {
            Coordinate c = error.getCoordinate();
            throw invalid(where(path) + "the " + g.getGeometryType() + " is not valid: " + error.getMessage()
                    + (c == null ? "" : " at [" + c.x + "," + c.y + "]"));
        }
        return g;
    }

    private static Coordinate[] positions(List<?> list, String at) {
        Coordinate[] cs = new Coordinate[list.size()];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = position(list.get(i), at + "[" + i + "]");
        }
        return cs;
    }

    private static Coordinate position(Object json, String at) {
        if (!(json instanceof List<?> list)) {
            throw invalid(at + ": a position must be an array of 2 or 3 numbers, not " + describe(json));
        }
        int n = list.size();
        if (n != 2 && n != 3) {
            throw invalid(at + ": a position must have 2 or 3 numbers, got " + n);
        }
        double lon = number(list.get(0), at + "[0]");
        double lat = number(list.get(1), at + "[1]");
        if (lon < -180 || lon > 180) {
            throw invalid(at + ": longitude " + lon + " is outside [-180, 180]");
        }
        if (lat < -90 || lat > 90) {
            throw invalid(at + ": latitude " + lat + " is outside [-90, 90]");
        }
        return n == 2 ? new Coordinate(lon, lat) : new Coordinate(lon, lat, number(list.get(2), at + "[2]"));
    }

    private static double number(Object json, String at) {
        if (!(json instanceof Number num)) {
            throw invalid(at + ": expected a number, not " + describe(json));
        }
        double d = num.doubleValue();
        if (!Double.isFinite(d)) {
            throw invalid(at + ": expected a finite number, not " + d);
        }
        return d;
    }

    private static List<?> nonEmptyArray(Object json, String at, String what) {
        if (!(json instanceof List<?> list)) {
            throw invalid(at + ": " + what + " needs an array, not " + describe(json));
        }
        if (list.isEmpty()) {
            throw invalid(at + ": " + what + " must not be empty");
        }
        return list;
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : path.substring(0, path.length() - 1) + ": ";
    }

    static String describe(Object json) {
        if (json == null) {
            return "nothing";
        }
        if (json instanceof List<?>) {
            return "an array";
        }
        if (json instanceof Map<?, ?>) {
            return "an object";
        }
        if (json instanceof String) {
            return "a string";
        }
        if (json instanceof Number) {
            return "a number";
        }
        if (json instanceof Boolean) {
            return "a boolean";
        }
        if (json == Json.NULL) {
            return "null";
        }
        return "a " + json.getClass().getSimpleName();
    }

    static TwinException invalid(String message) {
        return TwinException.badData(CODE, message);
    }
}
