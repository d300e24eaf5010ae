package io.citytwin.ngsild;

import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * A small GeoJSON geometry parser (RFC 7946 clause 3.1) used until {@code io.citytwin.twin.geo.GeoJson#parse} is
 * wired in: Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon and GeometryCollection, 2 or 3
 * coordinates per position. Invalid input gives BadRequestData {@code geo.invalid}. Thread-safe.
 */
final class MinimalGeoParser implements Function<Object, GeoValue> {
    private static final GeometryFactory FACTORY = new GeometryFactory();

    @Override
    public GeoValue apply(Object json) {
        Object frozen = Json.freeze(json);
        if (!(frozen instanceof Map<?, ?> m)) {
            throw invalid("a GeoJSON geometry must be an object");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> geo = (Map<String, Object>) m;
            return new GeoValue(geo, geometry(m, 0));
        } catch (IllegalArgumentException | ClassCastException e) {
            throw invalid(String.valueOf(e.getMessage()));
        }
    }

    private static Geometry geometry(Map<?, ?> m, int depth) {
        if (depth > 8) {
            throw invalid("GeometryCollection nested too deeply");
        }
        Object type = m.get("type");
        if (!(type instanceof String t)) {
            throw invalid("missing geometry type");
        }
        if (t.equals("GeometryCollection")) {
            List<?> parts = list(m.get("geometries"));
            Geometry[] gs = new Geometry[parts.size()];
            for (int i = 0; i < gs.length; i++) {
                if (!(parts.get(i) instanceof Map<?, ?> part)) {
                    throw invalid("geometries must be objects");
                }
                gs[i] = geometry(part, depth + 1);
            }
            return FACTORY.createGeometryCollection(gs);
        }
        Object c = m.get("coordinates");
        return switch (t) {
            case "Point" -> FACTORY.createPoint(position(c));
            case "LineString" -> lineString(c);
            case "Polygon" -> polygon(c);
            case "MultiPoint" -> {
                List<?> l = list(c);
                Point[] ps = new Point[l.size()];
                for (int i = 0; i < ps.length; i++) {
                    ps[i] = FACTORY.createPoint(position(l.get(i)));
                }
                yield FACTORY.createMultiPoint(ps);
            }
            case "MultiLineString" -> {
                List<?> l = list(c);
                LineString[] ls = new LineString[l.size()];
                for (int i = 0; i < ls.length; i++) {
                    ls[i] = lineString(l.get(i));
                }
                yield FACTORY.createMultiLineString(ls);
            }
            case "MultiPolygon" -> {
                List<?> l = list(c);
                Polygon[] ps = new Polygon[l.size()];
                for (int i = 0; i < ps.length; i++) {
                    ps[i] = polygon(l.get(i));
                }
                yield FACTORY.createMultiPolygon(ps);
            }
            default -> throw invalid("unknown geometry type '" + t + "'");
        };
    }

    private static LineString lineString(Object c) {
        Coordinate[] cs = positions(c);
        if (cs.length < 2) {
            throw invalid("a LineString needs at least 2 positions");
        }
        return FACTORY.createLineString(cs);
    }

    private static Polygon polygon(Object c) {
        List<?> rings = list(c);
        if (rings.isEmpty()) {
            throw invalid("a Polygon needs at least one ring");
        }
        LinearRing shell = ring(rings.get(0));
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int i = 1; i < rings.size(); i++) {
            holes[i - 1] = ring(rings.get(i));
        }
        return FACTORY.createPolygon(shell, holes);
    }

    private static LinearRing ring(Object c) {
        Coordinate[] cs = positions(c);
        if (cs.length < 4 || !cs[0].equals2D(cs[cs.length - 1])) {
            throw invalid("a linear ring needs at least 4 positions and must be closed");
        }
        return FACTORY.createLinearRing(cs);
    }

    private static Coordinate[] positions(Object c) {
        List<?> l = list(c);
        Coordinate[] cs = new Coordinate[l.size()];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = position(l.get(i));
        }
        return cs;
    }

    private static Coordinate position(Object c) {
        List<?> l = list(c);
        if (l.size() < 2 || l.size() > 3) {
            throw invalid("a position needs 2 or 3 numbers");
        }
        double x = number(l.get(0));
        double y = number(l.get(1));
        if (x < -180 || x > 180 || y < -90 || y > 90) {
            throw invalid("position out of WGS84 range: [" + x + ", " + y + "]");
        }
        return l.size() == 3 ? new Coordinate(x, y, number(l.get(2))) : new Coordinate(x, y);
    }

    private static double number(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Double d && Double.isFinite(d)) {
            return d;
        }
        throw invalid("coordinates must be numbers");
    }

    private static List<?> list(Object o) {
        if (o instanceof List<?> l) {
            return l;
        }
        throw invalid("coordinates must be arrays");
    }

    private static TwinException invalid(String reason) {
        return TwinException.badData("geo.invalid", "Invalid GeoJSON geometry: " + reason);
    }
}
