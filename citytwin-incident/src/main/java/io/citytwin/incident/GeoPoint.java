package io.citytwin.incident;

import io.citytwin.twin.TwinException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WGS 84 position (GeoJSON order: longitude, latitude), where an incident or report is.
 *
 * @param lon longitude in degrees, -180..180
 * @param lat latitude in degrees, -90..90
 */
public record GeoPoint(double lon, double lat) {
    private static final double EARTH_RADIUS_M = 6_371_008.8; // IUGG mean radius

    public GeoPoint {
        if (!(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90)) {
            throw TwinException.badData(
                    "incident.invalid",
                    "location must have longitude -180..180 and latitude -90..90, got " + lon + ", " + lat);
        }
    }

    /*
     * Great-circle distance by the haversine formula (R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope
     * 68(2), 1984) on a sphere of the IUGG mean radius: within 0.5 % of the ellipsoid, plenty for the 250 m duplicate
     * radius and the nearest-entity search.
     */
    /** The distance to {@code other} in metres. */
    public double distanceMeters(GeoPoint other) {
        double p1 = Math.toRadians(lat);
        double p2 = Math.toRadians(other.lat);
        double dp = p2 - p1;
        double dl = Math.toRadians(other.lon - lon);
        double h =
                Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /** The GeoJSON Point of this position. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "Point");
        m.put("coordinates", List.of(lon, lat));
        return m;
    }

    /**
     * The position of a GeoJSON Point.
     *
     * @throws TwinException BadRequestData {@code incident.invalid} when it is not a Point with two numbers
     */
    public static GeoPoint fromJson(Object json) {
        if (json instanceof Map<?, ?> m
                && "Point".equals(m.get("type"))
                && m.get("coordinates") instanceof List<?> c
                && c.size() >= 2
                && c.get(0) instanceof Number lon
                && c.get(1) instanceof Number lat) {
            return new GeoPoint(lon.doubleValue(), lat.doubleValue());
        }
        throw TwinException.badData(
                "incident.invalid", "location must be a GeoJSON Point {\"type\":\"Point\",\"coordinates\":[lon,lat]}");
    }
}
