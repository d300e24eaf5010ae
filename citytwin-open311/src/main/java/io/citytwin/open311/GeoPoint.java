package io.citytwin.open311;

/**
 * A WGS84 position as Open311 sends it ({@code lat}, {@code long}).
 *
 * @param lat latitude in degrees, -90..90
 * @param lon longitude in degrees, -180..180
 */
public record GeoPoint(double lat, double lon) {
    public GeoPoint {
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw Open311Exception.badRequest(
                    "open311.location",
                    "lat must be within -90..90 and long within -180..180, got " + lat + ", " + lon);
        }
    }
}
