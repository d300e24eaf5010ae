package io.citytwin.twin.geo;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.relateng.RelateNG;
import org.locationtech.jts.operation.relateng.RelatePredicate;
import org.locationtech.jts.operation.relateng.TopologyPredicate;

/**
 * An NGSI-LD geo-query (ETSI GS CIM 009 v1.8 clause 4.10): a relation, a reference geometry and the GeoProperty
 * of the entities it applies to.
 *
 * <p>Semantics of {@link #test(Geometry)} on a target geometry T and the reference geometry G, using the OGC
 * DE-9IM predicates (JTS {@link RelateNG}, which also handles GeometryCollections):
 *
 * <ul>
 *   <li>{@code near;maxDistance==d}: distance(G, T) &lt;= d metres; {@code near;minDistance==d}: distance &gt;= d;
 *       both modifiers: both bounds. Distances per {@link Geodesy#distance} (haversine on the WGS84 mean sphere,
 *       nearest-points approximation for non-point geometries). The spec speaks of "distance to the reference
 *       geometry" without restricting its type, so G may be any geometry, not only a Point;
 *   <li>{@code within}: T within G. G must be a Polygon or MultiPolygon: the spec describes matching entities
 *       "located within the reference geometry", which for the point-located entities of a city needs an area;
 *   <li>{@code contains}: T contains G (any G, typically a Point: "which district contains this place?");
 *   <li>{@code intersects}, {@code overlaps}, {@code disjoint}: the OGC predicates on (T, G);
 *   <li>{@code equals}: T and G are topologically equal (same point set; vertex order and repetition ignored).
 * </ul>
 *
 * <p>Coordinates are lon/lat; predicates are planar in degrees, as GeoJSON (RFC 7946 clause 3.1.1) defines lines.
 *
 * @param georel the relation
 * @param geometry the reference geometry, lon/lat, not empty
 * @param geoproperty the attribute name the query applies to, as given or expanded; {@code location} by default
 */
public record GeoQuery(Georel georel, Geometry geometry, String geoproperty) {
    /** The default GeoProperty of NGSI-LD geo-queries. */
    public static final String DEFAULT_GEOPROPERTY = "location";

    static final String CODE = "geo.query";

    public GeoQuery {
        Objects.requireNonNull(georel);
        Objects.requireNonNull(geometry);
        Objects.requireNonNull(geoproperty);
        if (geometry.isEmpty()) {
            throw error("the reference geometry is empty");
        }
        if (geoproperty.isBlank()) {
            throw error("geoproperty must not be blank");
        }
        if (georel == Georel.Relation.WITHIN && !(geometry instanceof Polygon || geometry instanceof MultiPolygon)) {
            throw error("georel within needs a Polygon or MultiPolygon geometry, got " + geometry.getGeometryType());
        }
    }

    /**
     * Parses the query-string form of clause 4.10, e.g. {@code georel=near;maxDistance==2000}, {@code
     * geometry=Point}, {@code coordinates=[8.68,49.41]}. Parameters are URL-decoded already.
     *
     * @param georel the {@code georel} parameter (see {@link Georel#parse})
     * @param geometry the {@code geometry} parameter: Point, MultiPoint, LineString, MultiLineString, Polygon or
     *     MultiPolygon
     * @param coordinates the {@code coordinates} parameter, a JSON array text
     * @param geoproperty the {@code geoproperty} parameter; absent or blank means {@code location}
     * @throws TwinException BadRequestData {@code geo.query} when a part is missing, malformed or inconsistent
     */
    public static GeoQuery parse(
            @Nullable String georel,
            @Nullable String geometry,
            @Nullable String coordinates,
            @Nullable String geoproperty) {
        boolean hasGeorel = georel != null && !georel.isBlank();
        boolean hasGeometry = geometry != null && !geometry.isBlank();
        boolean hasCoordinates = coordinates != null && !coordinates.isBlank();
        if (!hasGeorel || !hasGeometry || !hasCoordinates) {
            throw error("a geo-query needs georel, geometry and coordinates together; missing "
                    + (!hasGeorel ? "georel" : !hasGeometry ? "geometry" : "coordinates"));
        }
        Georel rel = Georel.parse(georel);
        Geometry g;
        try {
            g = GeoJson.parseCoordinates(geometry, coordinates);
        } catch (TwinException e) {
            throw new TwinException(ErrorType.BAD_REQUEST_DATA, CODE, "geo-query: " + e.detail(), e);
        }
        String property = geoproperty == null || geoproperty.isBlank() ? DEFAULT_GEOPROPERTY : geoproperty;
        return new GeoQuery(rel, g, property);
    }

    /** This query applied to another GeoProperty, e.g. the expanded IRI of the one given. */
    public GeoQuery withGeoproperty(String expanded) {
        return new GeoQuery(georel, geometry, expanded);
    }

    /**
     * The query-string form, not URL-encoded, e.g.
     * {@code georel=near;maxDistance==2000&geometry=Point&coordinates=[8.68,49.41]&geoproperty=location}.
     * {@link #parse} of its parts gives an equal query.
     */
    public String print() {
        StringBuilder sb = new StringBuilder(64);
        sb.append("georel=").append(georel.print());
        sb.append("&geometry=").append(geometry.getGeometryType());
        sb.append("&coordinates=");
        appendJson(sb, GeoJson.toGeoJson(geometry).get("coordinates"));
        sb.append("&geoproperty=").append(geoproperty);
        return sb.toString();
    }

    /**
     * Whether {@code target} (a GeoProperty value, lon/lat) matches this query, per the semantics on the class.
     * Thread-safe. To test many targets against one query, {@link #matcher()} is faster.
     */
    public boolean test(Geometry target) {
        return switch (georel) {
            case Georel.Near near -> testNear(near, target);
            case Georel.Relation r -> RelateNG.relate(target, geometry, predicate(r));
        };
    }

    /**
     * A matcher equivalent to {@link #test} that prepares the reference geometry once (indexes its segments), for
     * evaluating one query against many targets. Not thread-safe: use one per thread / per query evaluation.
     */
    public Predicate<Geometry> matcher() {
        return switch (georel) {
            case Georel.Near near -> target -> testNear(near, target);
            case Georel.Relation r -> {
                RelateNG prepared = RelateNG.prepare(geometry);
                // The prepared geometry is the first argument of the predicate: use the converse relation.
                Georel.Relation converse =
                        switch (r) {
                            case WITHIN -> Georel.Relation.CONTAINS;
                            case CONTAINS -> Georel.Relation.WITHIN;
                            default -> r;
                        };
                yield target -> prepared.evaluate(target, predicate(converse));
            }
        };
    }

    /**
     * The lon/lat envelope containing every geometry that can match, for prefiltering with {@link SpatialIndex}:
     * for bounded {@code near}, the reference geometry widened by maxDistance ({@link Geodesy#expand}); for
     * {@code within}, {@code contains}, {@code intersects}, {@code overlaps}, {@code equals}, the reference
     * geometry's envelope (every match shares a point with it); for {@code near;minDistance} alone and
     * {@code disjoint}, the whole world. A fresh, mutable envelope on each call.
     */
    public Envelope searchEnvelope() {
        return switch (georel) {
            case Georel.Near near -> near.bounded() ? Geodesy.expand(geometry, near.maxDistance()) : Geodesy.world();
            case Georel.Relation r ->
                r == Georel.Relation.DISJOINT ? Geodesy.world() : new Envelope(geometry.getEnvelopeInternal());
        };
    }

    private boolean testNear(Georel.Near near, Geometry target) {
        if (target.isEmpty()) {
            return false;
        }
        double d = Geodesy.distance(geometry, target);
        return d <= near.maxDistance() && d >= near.minDistance();
    }

    private static TopologyPredicate predicate(Georel.Relation r) {
        return switch (r) {
            case WITHIN -> RelatePredicate.within();
            case CONTAINS -> RelatePredicate.contains();
            case INTERSECTS -> RelatePredicate.intersects();
            case OVERLAPS -> RelatePredicate.overlaps();
            case DISJOINT -> RelatePredicate.disjoint();
            case EQUALS -> RelatePredicate.equalsTopo();
        };
    }

    private static void appendJson(StringBuilder sb, @Nullable Object value) {
        if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendJson(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof Double d) {
            sb.append(number(d));
        } else if (value instanceof Map<?, ?>) {
            throw new IllegalStateException("coordinates hold no objects");
        } else {
            sb.append(value);
        }
    }

    /** A compact decimal: integral values without a fraction, others as {@link Double#toString}. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    static TwinException error(String message) {
        return TwinException.badData(CODE, message);
    }
}
