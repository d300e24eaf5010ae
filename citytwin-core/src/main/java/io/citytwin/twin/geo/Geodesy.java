package io.citytwin.twin.geo;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.operation.distance.DistanceOp;

/**
 * Distances on the Earth for geo-queries, on a sphere of the WGS84 mean radius R1 = 6,371,008.8 m (IUGG). The
 * spherical model is within 0.5% of the ellipsoid everywhere, which is well inside what {@code near} queries on
 * city-scale distances need.
 *
 * <p><b>Points</b>: the haversine great-circle formula (exact on the sphere, numerically stable at small distances).
 *
 * <p><b>Other geometries</b> (an approximation): GeoJSON (RFC 7946 clause 3.1.1) draws lines straight in lon/lat,
 * so we take the pair of nearest points of the two geometries in lon/lat degrees ({@link DistanceOp#nearestPoints})
 * and return the haversine distance between them; 0 when the geometries intersect. Because that pair lies on the
 * two geometries, the result is never less than the true spherical minimum distance; it exceeds it where a degree
 * of longitude is much shorter than one of latitude and the nearest point in degrees is not the nearest in metres
 * (high latitudes, long segments). At city scale (segments of a few km, latitudes below 60 degrees) the error is
 * below a few metres. Distances across the antimeridian between non-point geometries are not wrapped.
 *
 * <p>All methods are pure and thread-safe.
 */
public final class Geodesy {
    /** WGS84 mean Earth radius R1 in metres. */
    public static final double MEAN_RADIUS_M = 6_371_008.8;

    /** The lon/lat envelope of the whole world. Envelopes are mutable: this is a fresh copy each call. */
    public static Envelope world() {
        return new Envelope(-180, 180, -90, 90);
    }

    private Geodesy() {}

    /** Great-circle distance in metres between two lon/lat positions in degrees (haversine formula). */
    public static double haversine(double lon1, double lat1, double lon2, double lat2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double sinDPhi = Math.sin((phi2 - phi1) / 2);
        double sinDLambda = Math.sin(Math.toRadians(lon2 - lon1) / 2);
        double h = sinDPhi * sinDPhi + Math.cos(phi1) * Math.cos(phi2) * sinDLambda * sinDLambda;
        return 2 * MEAN_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, h)));
    }

    /**
     * Distance in metres between two geometries in lon/lat: exact haversine for two points, otherwise the
     * approximation described on the class.
     */
    public static double distance(Geometry a, Geometry b) {
        if (a instanceof Point p && b instanceof Point q) {
            return haversine(p.getX(), p.getY(), q.getX(), q.getY());
        }
        Coordinate[] nearest = DistanceOp.nearestPoints(a, b);
        return haversine(nearest[0].x, nearest[0].y, nearest[1].x, nearest[1].y);
    }

    /**
     * The lon/lat envelope containing every position within {@code distanceM} metres (great-circle) of any position
     * of {@code g}.
     *
     * <p>Algorithm (J. P. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude Using Bounding
     * Coordinates"): with angular radius {@code d = distance / R}, latitudes widen by {@code d}; longitudes by
     * {@code asin(sin d / cos lat)}, which grows towards the poles, so it is taken at the envelope's latitude
     * farthest from the equator. When the widened range reaches a pole, or would cross the antimeridian, the whole
     * longitude range is returned instead (a superset, never a wrapped pair of boxes). A relative margin of 1e-9
     * absorbs rounding so that positions exactly at the distance stay inside.
     *
     * @param distanceM non-negative, may be infinite
     */
    public static Envelope expand(Geometry g, double distanceM) {
        Envelope env = g.getEnvelopeInternal();
        double d = distanceM / MEAN_RADIUS_M;
        if (!(d < Math.PI / 2)) {
            return world();
        }
        double dLatDeg = Math.toDegrees(d) * (1 + 1e-9) + 1e-9;
        double minLat = env.getMinY() - dLatDeg;
        double maxLat = env.getMaxY() + dLatDeg;
        if (minLat <= -90 || maxLat >= 90) {
            return new Envelope(-180, 180, Math.max(-90, minLat), Math.min(90, maxLat));
        }
        double lat = Math.toRadians(Math.max(Math.abs(env.getMinY()), Math.abs(env.getMaxY())));
        double s = Math.sin(d) / Math.cos(lat);
        if (s >= 1) {
            return new Envelope(-180, 180, minLat, maxLat);
        }
        double dLonDeg = Math.toDegrees(Math.asin(s)) * (1 + 1e-9) + 1e-9;
        double minLon = env.getMinX() - dLonDeg;
        double maxLon = env.getMaxX() + dLonDeg;
        if (minLon < -180 || maxLon > 180) {
            return new Envelope(-180, 180, minLat, maxLat);
        }
        return new Envelope(minLon, maxLon, minLat, maxLat);
    }
}
