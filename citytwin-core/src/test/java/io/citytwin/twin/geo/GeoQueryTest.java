package io.citytwin.twin.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.citytwin.twin.TwinException;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;

class GeoQueryTest {
    static final String SQUARE = "[[[0,0],[10,0],[10,10],[0,10],[0,0]]]";

    static Point point(double lon, double lat) {
        return GeoJson.FACTORY.createPoint(new Coordinate(lon, lat));
    }

    static Geometry geom(String type, String coordinates) {
        return GeoJson.parseCoordinates(type, coordinates);
    }

    static GeoQuery query(String georel, String type, String coordinates) {
        return GeoQuery.parse(georel, type, coordinates, null);
    }

    // ---- parsing ---------------------------------------------------------------------------------------------

    @Test
    void parse_nearMaxDistance_givesNearWithDefaultGeoproperty() {
        GeoQuery q = query("near;maxDistance==2000", "Point", "[8.68,49.41]");
        assertThat(q.georel()).isEqualTo(Georel.Near.max(2000));
        assertThat(q.geometry()).isEqualTo(point(8.68, 49.41));
        assertThat(q.geoproperty()).isEqualTo("location");
    }

    @Test
    void parse_nearMinDistance_givesUnboundedNear() {
        Georel.Near near = (Georel.Near)
                query("near;minDistance==100", "Point", "[8.68,49.41]").georel();
        assertThat(near.minDistance()).isEqualTo(100);
        assertThat(near.bounded()).isFalse();
    }

    @Test
    void parse_nearBothDistances_inEitherOrder_givesBothBounds() {
        GeoQuery a = query("near;minDistance==100;maxDistance==2000.5", "Point", "[8.68,49.41]");
        GeoQuery b = query("near;maxDistance==2000.5;minDistance==100", "Point", "[8.68,49.41]");
        assertThat(a.georel()).isEqualTo(new Georel.Near(2000.5, 100)).isEqualTo(b.georel());
    }

    @Test
    void parse_nearWithNonPointGeometry_isAllowed() {
        GeoQuery q = query("near;maxDistance==10", "LineString", "[[0,0],[1,1]]");
        assertThat(q.test(point(0.5, 0.5))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "within,WITHIN",
        "contains,CONTAINS",
        "intersects,INTERSECTS",
        "overlaps,OVERLAPS",
        "disjoint,DISJOINT",
        "equals,EQUALS"
    })
    void parse_topologicalGeorel_givesRelation(String text, Georel.Relation expected) {
        GeoQuery q = GeoQuery.parse(text, "Polygon", SQUARE, "https://uri.etsi.org/ngsi-ld/location");
        assertThat(q.georel()).isEqualTo(expected);
        assertThat(q.geoproperty()).isEqualTo("https://uri.etsi.org/ngsi-ld/location");
    }

    static Stream<Arguments> badQueries() {
        return Stream.of(
                Arguments.of("near;maxDistance==1", null, "[1,2]", "missing geometry"),
                Arguments.of("near;maxDistance==1", "Point", null, "missing coordinates"),
                Arguments.of(null, "Point", "[1,2]", "missing georel"),
                Arguments.of(" ", "Point", "[1,2]", "missing georel"),
                Arguments.of("nearby", "Point", "[1,2]", "unknown georel 'nearby'"),
                Arguments.of("Within", "Polygon", SQUARE, "unknown georel 'Within'"),
                Arguments.of("near", "Point", "[1,2]", "near needs maxDistance"),
                Arguments.of("near;", "Point", "[1,2]", "near takes maxDistance"),
                Arguments.of("near;maxDistance=1", "Point", "[1,2]", "near takes maxDistance"),
                Arguments.of("near;distance==1", "Point", "[1,2]", "near takes maxDistance"),
                Arguments.of("near;maxDistance==", "Point", "[1,2]", "non-negative number"),
                Arguments.of("near;maxDistance==abc", "Point", "[1,2]", "non-negative number"),
                Arguments.of("near;maxDistance==-5", "Point", "[1,2]", "non-negative number"),
                Arguments.of("near;maxDistance==NaN", "Point", "[1,2]", "non-negative number"),
                Arguments.of("near;maxDistance==1e999", "Point", "[1,2]", "non-negative number"),
                Arguments.of("near;maxDistance==1..2", "Point", "[1,2]", "non-negative number"),
                Arguments.of("near;maxDistance==1;maxDistance==2", "Point", "[1,2]", "given twice"),
                Arguments.of("near;maxDistance==10;minDistance==20", "Point", "[1,2]", "exceeds maxDistance"),
                Arguments.of("within;maxDistance==10", "Polygon", SQUARE, "takes no modifiers"),
                Arguments.of("within", "Point", "[1,2]", "within needs a Polygon or MultiPolygon"),
                Arguments.of("within", "LineString", "[[1,2],[3,4]]", "within needs a Polygon"),
                Arguments.of("intersects", "Circle", "[1,2]", "unknown geometry type"),
                Arguments.of("intersects", "Point", "[1,2", "coordinates"),
                Arguments.of("intersects", "Point", "[1,200]", "latitude"),
                Arguments.of("intersects", "GeometryCollection", "[]", "GeometryCollection"));
    }

    @ParameterizedTest
    @MethodSource("badQueries")
    void parse_missingOrInvalidPart_givesGeoQueryError(String georel, String geometry, String coordinates, String msg) {
        assertThatThrownBy(() -> GeoQuery.parse(georel, geometry, coordinates, null))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("geo.query"))
                .hasMessageContaining(msg);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "near;maxDistance==2000|Point|[8.68,49.41]",
                "near;minDistance==100.5|Point|[8.68,49.41]",
                "near;maxDistance==2000;minDistance==100|MultiPoint|[[8.68,49.41],[-1.0E-4,0]]",
                "near;minDistance==0|Point|[0,0]",
                "within|MultiPolygon|[[[[0,0],[10,0],[10,10],[0,10],[0,0]]]]",
                "contains|Point|[5,5,12.5]",
                "intersects|MultiLineString|[[[0,0],[1,1]],[[2,2],[3,3]]]",
                "equals|LineString|[[0,0],[1,1]]"
            })
    void print_thenParse_givesAnEqualQuery(String georel, String type, String coordinates) {
        GeoQuery q = GeoQuery.parse(georel, type, coordinates, "ex:place");
        Map<String, String> params = new HashMap<>();
        for (String part : q.print().split("&")) {
            int eq = part.indexOf('=');
            params.put(part.substring(0, eq), part.substring(eq + 1));
        }
        assertThat(params).containsEntry("georel", georel).containsEntry("geometry", type);
        GeoQuery again = GeoQuery.parse(
                params.get("georel"), params.get("geometry"), params.get("coordinates"), params.get("geoproperty"));
        assertThat(again).isEqualTo(q);
    }

    @Test
    void withGeoproperty_replacesOnlyTheProperty() {
        GeoQuery q = query("within", "Polygon", SQUARE);
        GeoQuery expanded = q.withGeoproperty("https://example.org/area");
        assertThat(expanded.geoproperty()).isEqualTo("https://example.org/area");
        assertThat(expanded.georel()).isEqualTo(q.georel());
        assertThat(expanded.geometry()).isEqualTo(q.geometry());
    }

    // ---- semantics -------------------------------------------------------------------------------------------

    static Stream<Arguments> relations() {
        return Stream.of(
                // within: target within the square
                Arguments.of("within", point(5, 5), true),
                Arguments.of("within", point(15, 5), false),
                Arguments.of("within", point(0, 5), false), // on the boundary: not in the interior
                Arguments.of("within", geom("LineString", "[[1,1],[9,9]]"), true),
                Arguments.of("within", geom("LineString", "[[-5,5],[15,5]]"), false),
                // contains: target contains the square
                Arguments.of("contains", geom("Polygon", "[[[-1,-1],[11,-1],[11,11],[-1,11],[-1,-1]]]"), true),
                Arguments.of("contains", geom("Polygon", "[[[1,1],[9,1],[9,9],[1,9],[1,1]]]"), false),
                Arguments.of("contains", point(5, 5), false),
                // intersects
                Arguments.of("intersects", geom("LineString", "[[-5,5],[15,5]]"), true),
                Arguments.of("intersects", point(10, 10), true),
                Arguments.of("intersects", geom("LineString", "[[20,20],[30,30]]"), false),
                // overlaps: same dimension, shared interior, neither contains the other
                Arguments.of("overlaps", geom("Polygon", "[[[5,5],[15,5],[15,15],[5,15],[5,5]]]"), true),
                Arguments.of("overlaps", geom("Polygon", "[[[2,2],[3,2],[3,3],[2,3],[2,2]]]"), false),
                Arguments.of("overlaps", geom("LineString", "[[-5,5],[15,5]]"), false),
                // disjoint
                Arguments.of("disjoint", geom("LineString", "[[20,20],[30,30]]"), true),
                Arguments.of("disjoint", geom("LineString", "[[-5,5],[15,5]]"), false),
                Arguments.of("disjoint", point(10, 0), false),
                // equals: same point set, whatever the vertex order or start
                Arguments.of("equals", geom("Polygon", "[[[10,10],[0,10],[0,0],[10,0],[10,10]]]"), true),
                Arguments.of("equals", geom("Polygon", "[[[0,0],[5,0],[10,0],[10,10],[0,10],[0,0]]]"), true),
                Arguments.of("equals", geom("Polygon", "[[[0,0],[10,0],[10,11],[0,10],[0,0]]]"), false));
    }

    @ParameterizedTest
    @MethodSource("relations")
    void test_topologicalRelation_onSquare_matchesExpected(String georel, Geometry target, boolean expected) {
        GeoQuery q = query(georel, "Polygon", SQUARE);
        assertThat(q.test(target)).isEqualTo(expected);
        assertThat(q.matcher().test(target)).isEqualTo(expected);
    }

    @Test
    void test_contains_pointQuery_findsTheDistrictContainingIt() {
        GeoQuery q = query("contains", "Point", "[5,5]");
        assertThat(q.test(geom("Polygon", SQUARE))).isTrue();
        assertThat(q.test(geom("Polygon", "[[[20,20],[30,20],[30,30],[20,30],[20,20]]]")))
                .isFalse();
    }

    @Test
    void test_intersects_withGeometryCollectionTarget_works() {
        Geometry gc = GeoJson.FACTORY.createGeometryCollection(
                new Geometry[] {point(50, 50), geom("LineString", "[[-5,5],[15,5]]")});
        assertThat(query("intersects", "Polygon", SQUARE).test(gc)).isTrue();
        assertThat(query("within", "Polygon", SQUARE).test(gc)).isFalse();
    }

    @Test
    void haversine_oneDegreeOfLatitude_is111point19Km() {
        double d = Geodesy.haversine(8.68, 49.41, 8.68, 50.41);
        assertThat(d).isCloseTo(111_195.1, within(111.19));
    }

    @Test
    void haversine_londonToParis_is343point6Km() {
        assertThat(Geodesy.haversine(-0.1278, 51.5074, 2.3522, 48.8566)).isCloseTo(343_560, within(500.0));
    }

    @Test
    void haversine_acrossTheAntimeridian_isShort() {
        // 0.02 degree of longitude at the equator: 2.224 km
        assertThat(Geodesy.haversine(179.99, 0, -179.99, 0)).isCloseTo(2_223.9, within(1.0));
    }

    @Test
    void test_nearMaxDistance_boundsAtTheHaversineDistance() {
        Point target = point(8.68, 50.41);
        assertThat(query("near;maxDistance==111300", "Point", "[8.68,49.41]").test(target))
                .isTrue();
        assertThat(query("near;maxDistance==111000", "Point", "[8.68,49.41]").test(target))
                .isFalse();
        assertThat(query("near;minDistance==111000", "Point", "[8.68,49.41]").test(target))
                .isTrue();
        assertThat(query("near;minDistance==111300", "Point", "[8.68,49.41]").test(target))
                .isFalse();
        assertThat(query("near;maxDistance==111300;minDistance==111000", "Point", "[8.68,49.41]")
                        .test(target))
                .isTrue();
    }

    @Test
    void test_nearLineTarget_usesTheNearestPointOfTheLine() {
        Geometry road = geom("LineString", "[[0,1],[2,1]]");
        assertThat(Geodesy.distance(point(1, 0), road)).isCloseTo(111_195.1, within(111.19));
        assertThat(query("near;maxDistance==111300", "Point", "[1,0]").test(road))
                .isTrue();
        assertThat(query("near;maxDistance==111000", "Point", "[1,0]").test(road))
                .isFalse();
        assertThat(query("near;maxDistance==0", "Point", "[1,1]").test(road)).isTrue();
    }

    // ---- search envelope -------------------------------------------------------------------------------------

    @Test
    void searchEnvelope_nonBoundedQueries_coverTheWorld() {
        assertThat(query("near;minDistance==10", "Point", "[1,2]").searchEnvelope())
                .isEqualTo(Geodesy.world());
        assertThat(query("disjoint", "Point", "[1,2]").searchEnvelope()).isEqualTo(Geodesy.world());
        assertThat(query("within", "Polygon", SQUARE).searchEnvelope()).isEqualTo(new Envelope(0, 10, 0, 10));
    }

    @Test
    void searchEnvelope_nearTheAntimeridian_spansAllLongitudes() {
        GeoQuery q = query("near;maxDistance==5000", "Point", "[179.99,0]");
        Envelope env = q.searchEnvelope();
        assertThat(env.getMinX()).isEqualTo(-180);
        assertThat(env.getMaxX()).isEqualTo(180);
        assertThat(q.test(point(-179.99, 0))).isTrue();
    }

    @Test
    void searchEnvelope_nearAPole_spansAllLongitudesUpToThePole() {
        GeoQuery q = query("near;maxDistance==5000", "Point", "[10,89.99]");
        Envelope env = q.searchEnvelope();
        assertThat(env.getMaxY()).isEqualTo(90);
        assertThat(env.getWidth()).isEqualTo(360);
        assertThat(q.test(point(-170, 89.99))).isTrue();
    }

    @Property(tries = 1000)
    void searchEnvelope_nearQuery_containsEveryMatchingPoint(
            @ForAll @DoubleRange(min = -180, max = 180) double lon,
            @ForAll @DoubleRange(min = -90, max = 90) double lat,
            @ForAll @DoubleRange(min = 0, max = 50_000) double maxDistance,
            @ForAll @DoubleRange(min = -1, max = 1) double dLon,
            @ForAll @DoubleRange(min = -1, max = 1) double dLat) {
        GeoQuery q = new GeoQuery(Georel.Near.max(maxDistance), point(lon, lat), "location");
        double tLon = Math.max(-180, Math.min(180, lon + dLon * Math.abs(dLon)));
        double tLat = Math.max(-90, Math.min(90, lat + dLat * Math.abs(dLat)));
        Point target = point(tLon, tLat);
        if (q.test(target)) {
            assertThat(q.searchEnvelope().intersects(target.getCoordinate())).isTrue();
        }
    }

    @Property(tries = 300)
    void searchEnvelope_nearQueryWithExactDistance_containsTheTarget(
            @ForAll @DoubleRange(min = -179, max = 179) double lon,
            @ForAll @DoubleRange(min = -85, max = 85) double lat,
            @ForAll @DoubleRange(min = -179, max = 179) double lon2,
            @ForAll @DoubleRange(min = -85, max = 85) double lat2) {
        double d = Geodesy.haversine(lon, lat, lon2, lat2);
        GeoQuery q = new GeoQuery(Georel.Near.max(d), point(lon, lat), "location");
        assertThat(q.test(point(lon2, lat2))).isTrue();
        assertThat(q.searchEnvelope().intersects(new Coordinate(lon2, lat2))).isTrue();
    }
}
