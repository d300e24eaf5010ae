package io.citytwin.twin.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

class GeoJsonTest {

    static Map<String, Object> geo(String type, Object coordinates) {
        return Map.of("type", type, "coordinates", coordinates);
    }

    static List<Object> pos(double lon, double lat) {
        return List.of(lon, lat);
    }

    static List<Object> square(double x0, double y0, double x1, double y1) {
        return List.of(pos(x0, y0), pos(x1, y0), pos(x1, y1), pos(x0, y1), pos(x0, y0));
    }

    @Test
    void parse_point_givesLonLatWithSrid4326() {
        GeoValue v = GeoJson.parse(geo("Point", List.of(8.68, 49.41)));
        assertThat(v.geometry()).isInstanceOf(Point.class);
        assertThat(v.geometry().getCoordinate().x).isEqualTo(8.68);
        assertThat(v.geometry().getCoordinate().y).isEqualTo(49.41);
        assertThat(v.geometry().getSRID()).isEqualTo(4326);
        assertThat(v.geoJson()).containsEntry("type", "Point");
    }

    @Test
    void parse_integralCoordinatesAsLong_areAccepted() {
        GeoValue v = GeoJson.parse(geo("Point", List.of(8L, 49L, 120L)));
        assertThat(v.geometry().getCoordinate().getZ()).isEqualTo(120.0);
    }

    @Test
    void parse_keepsForeignMembersFrozen() {
        Map<String, Object> json = new HashMap<>(geo("Point", List.of(1.0, 2.0)));
        json.put("bbox", new ArrayList<>(List.of(1.0, 2.0, 1.0, 2.0)));
        GeoValue v = GeoJson.parse(json);
        assertThat(v.geoJson()).containsKey("bbox");
        assertThatThrownBy(() -> v.geoJson().put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parse_polygonWithHole_givesPolygon() {
        GeoValue v = GeoJson.parse(geo("Polygon", List.of(square(0, 0, 10, 10), square(2, 2, 3, 3))));
        assertThat(v.geometry()).isInstanceOf(Polygon.class);
        assertThat(((Polygon) v.geometry()).getNumInteriorRing()).isEqualTo(1);
    }

    static Stream<Map<String, Object>> validGeometries() {
        return Stream.of(
                geo("Point", List.of(8.68, 49.41, 100.5)),
                geo("MultiPoint", List.of(pos(1, 2), pos(3, 4))),
                geo("LineString", List.of(pos(1, 2), pos(3, 4), pos(5, 4))),
                geo("MultiLineString", List.of(List.of(pos(1, 2), pos(3, 4)), List.of(pos(-1, -2), pos(-3, -4)))),
                geo("Polygon", List.of(square(-180, -90, 180, 90))),
                geo("MultiPolygon", List.of(List.of(square(0, 0, 1, 1)), List.of(square(5, 5, 6, 6)))),
                Map.of(
                        "type",
                        "GeometryCollection",
                        "geometries",
                        List.of(geo("Point", pos(1, 2)), geo("LineString", List.of(pos(1, 2), pos(3, 4))))));
    }

    @ParameterizedTest
    @MethodSource("validGeometries")
    void toGeoJson_ofParsed_roundTripsToTheSameGeometry(Map<String, Object> json) {
        GeoValue v = GeoJson.parse(json);
        Map<String, Object> back = GeoJson.toGeoJson(v.geometry());
        assertThat(back).isEqualTo(Json.freeze(json));
        GeoValue again = GeoJson.parse(back);
        assertThat(again.geometry().equalsExact(v.geometry())).isTrue();
        assertThat(again.geometry().getGeometryType()).isEqualTo(json.get("type"));
    }

    static Stream<Arguments> invalidGeometries() {
        return Stream.of(
                Arguments.of("not an object", "must be a JSON object"),
                Arguments.of(Map.of("coordinates", pos(1, 2)), "'type' must be a string"),
                Arguments.of(geo("Feature", pos(1, 2)), "unknown geometry type 'Feature'"),
                Arguments.of(geo("point", pos(1, 2)), "unknown geometry type 'point'"),
                Arguments.of(Map.of("type", "Point"), "needs a member 'coordinates'"),
                Arguments.of(geo("Point", List.of(1.0)), "2 or 3 numbers, got 1"),
                Arguments.of(geo("Point", List.of(1.0, 2.0, 3.0, 4.0)), "2 or 3 numbers, got 4"),
                Arguments.of(geo("Point", List.of("1", 2.0)), "coordinates[0]: expected a number"),
                Arguments.of(geo("Point", List.of(1.0, Double.NaN)), "finite"),
                Arguments.of(
                        geo("Point", List.of(pos(1, 2), pos(3, 4))), "coordinates[0]: expected a number, not an array"),
                Arguments.of(geo("Point", pos(180.5, 0)), "longitude 180.5 is outside"),
                Arguments.of(geo("Point", pos(0, -90.01)), "latitude -90.01 is outside"),
                Arguments.of(geo("MultiPoint", pos(1, 2)), "coordinates[0]: a position must be an array"),
                Arguments.of(geo("MultiPoint", List.of()), "must not be empty"),
                Arguments.of(geo("LineString", List.of(pos(1, 2))), "at least 2 positions, got 1"),
                Arguments.of(geo("LineString", pos(1, 2)), "a position must be an array"),
                Arguments.of(geo("MultiLineString", List.of(pos(1, 2), pos(3, 4))), "coordinates[0]"),
                Arguments.of(
                        geo("Polygon", List.of(List.of(pos(0, 0), pos(1, 0), pos(0, 0)))),
                        "at least 4 positions, got 3"),
                Arguments.of(
                        geo("Polygon", List.of(List.of(pos(0, 0), pos(1, 0), pos(1, 1), pos(0, 1)))), "must be closed"),
                Arguments.of(geo("Polygon", square(0, 0, 1, 1)), "coordinates[0]: a linear ring needs at least 4"),
                Arguments.of(geo("Polygon", List.of()), "must not be empty"),
                Arguments.of(
                        geo("Polygon", List.of(List.of(pos(0, 0), pos(1, 1), pos(1, 0), pos(0, 1), pos(0, 0)))),
                        "not valid: Self-intersection"),
                Arguments.of(geo("Polygon", List.of(square(0, 0, 1, 1), square(5, 5, 6, 6))), "not valid"),
                Arguments.of(
                        geo("MultiPolygon", List.of(List.of(square(0, 0, 2, 2)), List.of(square(1, 1, 3, 3)))),
                        "not valid"),
                Arguments.of(geo("MultiPolygon", List.of(square(0, 0, 1, 1))), "coordinates[0][0]: a linear ring"),
                Arguments.of(Map.of("type", "GeometryCollection"), "needs an array 'geometries'"),
                Arguments.of(Map.of("type", "GeometryCollection", "geometries", List.of()), "must not be empty"),
                Arguments.of(
                        Map.of("type", "GeometryCollection", "geometries", List.of(geo("Point", pos(200, 0)))),
                        "geometries[0].coordinates: longitude 200.0"),
                Arguments.of(nestedCollections(GeoJson.MAX_COLLECTION_DEPTH + 1), "nest deeper"));
    }

    static Object nestedCollections(int depth) {
        Object g = geo("Point", pos(1, 1));
        for (int i = 0; i < depth; i++) {
            g = Map.of("type", "GeometryCollection", "geometries", List.of(g));
        }
        return g;
    }

    @ParameterizedTest
    @MethodSource("invalidGeometries")
    void parse_invalidGeometry_givesGeoInvalid(Object json, String message) {
        assertThatThrownBy(() -> GeoJson.parse(json))
                .isInstanceOfSatisfying(TwinException.class, e -> {
                    assertThat(e.code()).isEqualTo("geo.invalid");
                    assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
                })
                .hasMessageContaining(message);
    }

    @Test
    void parseCoordinates_queryStringForm_givesGeometry() {
        Geometry g = GeoJson.parseCoordinates("Polygon", " [[[0,0], [1,0],[1,1],[0,1],[0,0]]] ");
        assertThat(g).isInstanceOf(Polygon.class);
        assertThat(GeoJson.parseCoordinates("Point", "[-8.5e0,4.9E1]").getCoordinate().y)
                .isEqualTo(49.0);
    }

    @ParameterizedTest
    @MethodSource("badCoordinateTexts")
    void parseCoordinates_malformedText_givesGeoInvalid(String type, String text) {
        assertThatThrownBy(() -> GeoJson.parseCoordinates(type, text))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("geo.invalid"));
    }

    static Stream<Arguments> badCoordinateTexts() {
        return Stream.of(
                Arguments.of("Point", ""),
                Arguments.of("Point", "8.68,49.41"),
                Arguments.of("Point", "[8.68,49.41"),
                Arguments.of("Point", "[8.68,,49.41]"),
                Arguments.of("Point", "[8.68 49.41]"),
                Arguments.of("Point", "[8.68,49.41]x"),
                Arguments.of("Point", "[+8.68,49.41]"),
                Arguments.of("Point", "[08.68,49.41]"),
                Arguments.of("Point", "[8.,49.41]"),
                Arguments.of("Point", "[1e,2]"),
                Arguments.of("Point", "[1e999,2]"),
                Arguments.of("Point", "[\"8\",2]"),
                Arguments.of("Point", "[[[[[[[1]]]]]]]"),
                Arguments.of("Point", "[]"),
                Arguments.of("Circle", "[1,2]"),
                Arguments.of("GeometryCollection", "[]"),
                Arguments.of("LineString", "[[1,2]]"));
    }

    @Property(tries = 500)
    void parse_arbitraryJson_throwsOnlyTwinException(@ForAll("jsonValues") Object json) {
        try {
            GeoJson.parse(json);
        } catch (TwinException e) {
            assertThat(e.code()).isIn("geo.invalid", "json.unsupported");
        }
    }

    @Property(tries = 500)
    void parseCoordinates_arbitraryText_throwsOnlyGeoInvalid(
            @ForAll("geometryTypes") String type, @ForAll("coordinateTexts") String text) {
        try {
            GeoJson.parseCoordinates(type, text);
        } catch (TwinException e) {
            assertThat(e.code()).isEqualTo("geo.invalid");
        }
    }

    @Provide
    Arbitrary<String> geometryTypes() {
        return Arbitraries.of("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "x");
    }

    @Provide
    Arbitrary<String> coordinateTexts() {
        return Arbitraries.strings().withChars("[],-.0123456789eE +").ofMaxLength(40);
    }

    @Provide
    Arbitrary<Object> jsonValues() {
        return json(4).map(GeoJsonTest::wrapGeometryLike);
    }

    /* Biases arbitrary JSON towards geometry-like objects so that deep validation paths are reached. */
    static Object wrapGeometryLike(Object value) {
        if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof String t) {
            Map<String, Object> m = new HashMap<>();
            m.put("type", t);
            m.put(t.equals("GeometryCollection") ? "geometries" : "coordinates", list.subList(1, list.size()));
            return m;
        }
        return value;
    }

    Arbitrary<Object> json(int depth) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.doubles().between(-200, 200).map(d -> (Object) d),
                Arbitraries.longs().between(-200, 200).map(l -> (Object) l),
                Arbitraries.of(
                        "Point",
                        "MultiPoint",
                        "LineString",
                        "MultiLineString",
                        "Polygon",
                        "MultiPolygon",
                        "GeometryCollection",
                        "type",
                        "coordinates"),
                Arbitraries.of(Boolean.TRUE, Json.NULL, Double.NaN, Double.POSITIVE_INFINITY));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Object> list = json(depth - 1).list().ofMaxSize(5).map(l -> (Object) l);
        Arbitrary<Object> map = Arbitraries.maps(
                        Arbitraries.of("type", "coordinates", "geometries", "bbox"), json(depth - 1))
                .ofMaxSize(3)
                .map(m -> (Object) m);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, leaf), net.jqwik.api.Tuple.of(4, list), net.jqwik.api.Tuple.of(2, map));
    }
}
