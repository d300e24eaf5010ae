package io.citytwin.store.sqlite;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;

/**
 * Rebuilds the JTS geometry of a stored GeoJSON geometry object (RFC 7946, clause 3.1) when entities are loaded.
 * The input was validated when it entered the twin, so this converter trusts its shape and reports anything else as
 * a corrupt store. Coordinates are longitude, latitude and an optional altitude; numbers may be {@code Long} or
 * {@code Double} (the canonical {@code Json} shape).
 */
final class GeoJsonGeometry {
    private static final GeometryFactory FACTORY = new GeometryFactory(new PrecisionModel(), 4326);

    private GeoJsonGeometry() {}

    static Geometry toGeometry(Map<?, ?> geoJson) {
        try {
            return geometry(geoJson);
        } catch (ClassCastException | IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "store.corrupt-geometry", "A stored geometry cannot be read", e);
        }
    }

    private static Geometry geometry(Map<?, ?> g) {
        String type = (String) g.get("type");
        if ("GeometryCollection".equals(type)) {
            List<?> members = (List<?>) g.get("geometries");
            Geometry[] parts = new Geometry[members.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = geometry((Map<?, ?>) members.get(i));
            }
            return FACTORY.createGeometryCollection(parts);
        }
        List<?> c = (List<?>) g.get("coordinates");
        return switch (type) {
            case "Point" -> point(c);
            case "MultiPoint" -> {
                Point[] points = new Point[c.size()];
                for (int i = 0; i < points.length; i++) {
                    points[i] = point((List<?>) c.get(i));
                }
                yield FACTORY.createMultiPoint(points);
            }
            case "LineString" -> FACTORY.createLineString(coordinates(c));
            case "MultiLineString" -> {
                LineString[] lines = new LineString[c.size()];
                for (int i = 0; i < lines.length; i++) {
                    lines[i] = FACTORY.createLineString(coordinates((List<?>) c.get(i)));
                }
                yield FACTORY.createMultiLineString(lines);
            }
            case "Polygon" -> polygon(c);
            case "MultiPolygon" -> {
                Polygon[] polygons = new Polygon[c.size()];
                for (int i = 0; i < polygons.length; i++) {
                    polygons[i] = polygon((List<?>) c.get(i));
                }
                yield FACTORY.createMultiPolygon(polygons);
            }
            case null, default -> throw new IllegalArgumentException("Unknown GeoJSON type " + type);
        };
    }

    private static Point point(List<?> position) {
        return position.isEmpty() ? FACTORY.createPoint() : FACTORY.createPoint(coordinate(position));
    }

    private static Polygon polygon(List<?> rings) {
        if (rings.isEmpty()) {
            return FACTORY.createPolygon();
        }
        LinearRing shell = FACTORY.createLinearRing(coordinates((List<?>) rings.get(0)));
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int i = 0; i < holes.length; i++) {
            holes[i] = FACTORY.createLinearRing(coordinates((List<?>) rings.get(i + 1)));
        }
        return FACTORY.createPolygon(shell, holes);
    }

    private static Coordinate[] coordinates(List<?> positions) {
        Coordinate[] out = new Coordinate[positions.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = coordinate((List<?>) positions.get(i));
        }
        return out;
    }

    private static Coordinate coordinate(List<?> position) {
        double x = ((Number) position.get(0)).doubleValue();
        double y = ((Number) position.get(1)).doubleValue();
        return position.size() > 2
                ? new Coordinate(x, y, ((Number) position.get(2)).doubleValue())
                : new Coordinate(x, y);
    }
}
