package io.citytwin.twin;

import java.util.Map;
import java.util.Objects;
import org.locationtech.jts.geom.Geometry;

/**
 * The value of a GeoProperty: the GeoJSON geometry (RFC 7946) as received, and its parsed JTS geometry in WGS84
 * longitude/latitude order. Build one with {@code io.citytwin.twin.geo.GeoJson#parse}.
 *
 * @param geoJson the GeoJSON geometry object, frozen (see {@link Json#freeze})
 * @param geometry the same geometry for spatial computation; never mutated after construction
 */
public record GeoValue(Map<String, Object> geoJson, Geometry geometry) {
    public GeoValue {
        Objects.requireNonNull(geoJson);
        Objects.requireNonNull(geometry);
    }
}
