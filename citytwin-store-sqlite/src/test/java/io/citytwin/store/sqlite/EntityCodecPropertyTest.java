package io.citytwin.store.sqlite;

import static io.citytwin.testkit.TwinRepositoryContract.assertSameEntity;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/** decode(encode(e)) == e for generated entities; jqwik prints the seed of a failing run to replay it. */
class EntityCodecPropertyTest {
    private static final GeometryFactory GF = new GeometryFactory();

    @Property(tries = 200)
    void decode_encodedEntity_givesItBackExactly(@ForAll("entities") Entity entity) {
        EntityCodec codec = new EntityCodec(true);
        assertSameEntity(codec.decode(entity.id(), codec.encode(entity)), entity);
    }

    @Provide
    Arbitrary<Entity> entities() {
        Arbitrary<String> localId =
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20);
        Arbitrary<List<String>> types = iris().list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<Map<String, List<Attribute>>> attrs = Arbitraries.maps(
                        iris(), attribute(2).list().ofMinSize(1).ofMaxSize(3))
                .ofMaxSize(6);
        return Combinators.combine(
                        localId,
                        types,
                        attrs,
                        instants().injectNull(0.3),
                        instants().injectNull(0.3))
                .as((id, t, a, c, m) -> new Entity(EntityId.of("urn:ngsi-ld:T:" + id), t, a, c, m));
    }

    private static Arbitrary<String> iris() {
        Arbitrary<String> local = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
        return Arbitraries.oneOf(
                local.map(s -> Ngsi.DEFAULT_VOCAB + s),
                local.map(s -> Ngsi.CORE + s),
                local.map(s -> "https://smartdatamodels.org/dataModel.X/" + s),
                local.map(s -> "http://example.org/" + s),
                anyString());
    }

    private static Arbitrary<String> anyString() {
        // every char, unpaired surrogates and U+0000 included
        return Arbitraries.strings().all().ofMaxLength(16);
    }

    private static Arbitrary<Instant> instants() {
        return Combinators.combine(
                        Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
    }

    private static Arbitrary<Attribute> attribute(int depth) {
        Arbitrary<AttributeKind> kinds = Arbitraries.of(AttributeKind.class);
        Arbitrary<Map<String, Attribute>> subs = depth == 0
                ? Arbitraries.just(Map.of())
                : Arbitraries.maps(iris(), attribute(depth - 1)).ofMaxSize(2);
        Arbitrary<@Nullable String> datasets = iris().injectNull(0.6);
        Arbitrary<@Nullable String> units = Arbitraries.of("CEL", "KWH", "C62").injectNull(0.5);
        return kinds.flatMap(kind -> Combinators.combine(
                        value(kind),
                        datasets,
                        instants().injectNull(0.5),
                        units,
                        subs,
                        instants().injectNull(0.5),
                        instants().injectNull(0.5))
                .as((v, ds, obs, unit, s, c, m) -> new Attribute(kind, v, ds, obs, unit, s, c, m)));
    }

    private static Arbitrary<Object> value(AttributeKind kind) {
        return switch (kind) {
            case PROPERTY -> json(2).filter(v -> v != Json.NULL);
            case JSON_PROPERTY -> json(2);
            case RELATIONSHIP, VOCAB_PROPERTY -> Arbitraries.oneOf(iris().map(s -> (Object) s), stringList());
            case LIST_RELATIONSHIP -> stringList();
            case LIST_PROPERTY -> json(1).list().ofMaxSize(4).map(Json::freeze);
            case LANGUAGE_PROPERTY ->
                Arbitraries.maps(Arbitraries.of("en", "de", "zh", "@none"), anyString())
                        .ofMaxSize(3)
                        .map(Json::freeze);
            case GEO_PROPERTY -> geometry(1).map(v -> (Object) v);
        };
    }

    private static Arbitrary<Object> stringList() {
        return iris().list().ofMaxSize(3).map(l -> (Object) List.copyOf(l));
    }

    private static Arbitrary<Object> json(int depth) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                anyString().map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles()
                        .withSpecialValue(-0.0)
                        .withSpecialValue(Double.NaN)
                        .withSpecialValue(Double.POSITIVE_INFINITY)
                        .withSpecialValue(Double.MIN_VALUE)
                        .map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(Json.NULL));
        if (depth == 0) {
            return scalar;
        }
        List<Tuple.Tuple2<Integer, Arbitrary<Object>>> choices = List.of(
                Tuple.of(6, scalar),
                Tuple.of(1, json(depth - 1).list().ofMaxSize(4).map(l -> (Object) l)),
                Tuple.of(
                        1,
                        Arbitraries.maps(anyString(), json(depth - 1))
                                .ofMaxSize(4)
                                .map(m -> (Object) m)));
        return Arbitraries.frequencyOf(choices).map(Json::freeze);
    }

    /** A GeoJSON geometry and the JTS geometry it describes, coordinates as Long or Double at random. */
    private static Arbitrary<GeoValue> geometry(int depth) {
        Arbitrary<Object> ordinate = Arbitraries.oneOf(
                Arbitraries.doubles().between(-180, 180).map(d -> (Object) d),
                Arbitraries.longs().between(-90, 90).map(l -> (Object) l));
        Arbitrary<List<Object>> position = ordinate.list().ofMinSize(2).ofMaxSize(3);
        Arbitrary<GeoValue> point = position.map(p -> geo("Point", p, GF.createPoint(coordinate(p))));
        Arbitrary<GeoValue> line = position.list()
                .ofMinSize(2)
                .ofMaxSize(5)
                .map(ps -> geo("LineString", ps, GF.createLineString(coordinates(ps))));
        Arbitrary<GeoValue> polygon = position.list().ofMinSize(3).ofMaxSize(5).map(ps -> {
            List<List<Object>> ring = new ArrayList<>(ps);
            ring.add(ps.get(0));
            return geo("Polygon", List.of(ring), GF.createPolygon(GF.createLinearRing(coordinates(ring)), null));
        });
        Arbitrary<GeoValue> multiPoint = position.list()
                .ofMaxSize(3)
                .map(ps -> geo("MultiPoint", ps, GF.createMultiPointFromCoords(coordinates(ps))));
        if (depth == 0) {
            return Arbitraries.oneOf(point, line, polygon, multiPoint);
        }
        Arbitrary<GeoValue> collection = geometry(depth - 1).list().ofMaxSize(3).map(parts -> {
            List<Object> members = new ArrayList<>();
            Geometry[] geometries = new Geometry[parts.size()];
            for (int i = 0; i < parts.size(); i++) {
                members.add(parts.get(i).geoJson());
                geometries[i] = parts.get(i).geometry();
            }
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("type", "GeometryCollection");
            m.put("geometries", members);
            @SuppressWarnings("unchecked")
            Map<String, Object> frozen = (Map<String, Object>) Json.freeze(m);
            return new GeoValue(frozen, GF.createGeometryCollection(geometries));
        });
        List<Tuple.Tuple2<Integer, Arbitrary<GeoValue>>> choices = List.of(
                Tuple.of(3, point),
                Tuple.of(1, line),
                Tuple.of(1, polygon),
                Tuple.of(1, multiPoint),
                Tuple.of(1, collection));
        return Arbitraries.frequencyOf(choices);
    }

    @SuppressWarnings("unchecked")
    private static GeoValue geo(String type, Object coordinates, Geometry g) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("coordinates", coordinates);
        return new GeoValue((Map<String, Object>) Json.freeze(m), g);
    }

    private static Coordinate coordinate(List<Object> p) {
        double x = ((Number) p.get(0)).doubleValue();
        double y = ((Number) p.get(1)).doubleValue();
        return p.size() > 2 ? new Coordinate(x, y, ((Number) p.get(2)).doubleValue()) : new Coordinate(x, y);
    }

    private static Coordinate[] coordinates(List<List<Object>> ps) {
        Coordinate[] out = new Coordinate[ps.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = coordinate(ps.get(i));
        }
        return out;
    }
}
