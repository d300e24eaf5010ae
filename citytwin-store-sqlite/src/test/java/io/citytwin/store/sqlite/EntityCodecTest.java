package io.citytwin.store.sqlite;

import static io.citytwin.testkit.TwinRepositoryContract.assertSameEntity;
import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Entity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Geometry;

class EntityCodecTest {
    @Test
    void decode_encodedStreetlight_givesEqualEntity() {
        Entity lamp = Fixtures.withSystemTimes(
                Fixtures.streetlight("urn:ngsi-ld:Streetlight:1", 13.4, 52.5),
                Instant.parse("1969-12-31T23:59:59.999999999Z"),
                Instant.parse("2026-01-01T00:00:00Z"));
        EntityCodec codec = new EntityCodec(true);
        byte[] doc = codec.encode(lamp);
        assertSameEntity(codec.decode(lamp.id(), doc), lamp);
        assertSameEntity(new EntityCodec(false).decode(lamp.id(), doc), lamp);
    }

    @Test
    void encode_expandedNames_areStoredWithoutTheirPrefix() {
        Entity small = Fixtures.small("urn:ngsi-ld:Device:1", 7);
        // type, two names and a GeoJSON point: far less than the ~200 characters of the IRIs
        assertThat(new EntityCodec(false).encode(small)).hasSizeLessThan(110);
    }

    @Test
    void decode_geometries_rebuildsEveryGeoJsonType() {
        Map<String, Object> collection = Map.of(
                "type",
                "GeometryCollection",
                "geometries",
                List.of(
                        Map.of("type", "Point", "coordinates", List.of(1L, 2.5, 30L)),
                        Map.of("type", "MultiPoint", "coordinates", List.of(List.of(1.0, 2.0), List.of(3.0, 4.0))),
                        Map.of("type", "LineString", "coordinates", List.of(List.of(1.0, 2.0), List.of(3.0, 4.0))),
                        Map.of(
                                "type",
                                "MultiLineString",
                                "coordinates",
                                List.of(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0)))),
                        Map.of(
                                "type",
                                "Polygon",
                                "coordinates",
                                List.of(
                                        List.of(List.of(0L, 0L), List.of(10L, 0L), List.of(10L, 10L), List.of(0L, 0L)),
                                        List.of(List.of(1L, 1L), List.of(2L, 1L), List.of(2L, 2L), List.of(1L, 1L)))),
                        Map.of(
                                "type",
                                "MultiPolygon",
                                "coordinates",
                                List.of(List.of(List.of(
                                        List.of(0L, 0L), List.of(1L, 0L), List.of(1L, 1L), List.of(0L, 0L)))))));
        Geometry g = GeoJsonGeometry.toGeometry(collection);
        assertThat(g.getGeometryN(0).getCoordinate().getZ()).isEqualTo(30.0);
        assertThat(g.toText())
                .isEqualTo("GEOMETRYCOLLECTION (POINT (1 2.5), MULTIPOINT ((1 2), (3 4)), LINESTRING (1 2, 3 4),"
                        + " MULTILINESTRING ((1 2, 3 4)), POLYGON ((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1)),"
                        + " MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0))))");
    }
}
