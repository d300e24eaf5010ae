package io.citytwin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.device.FieldMapping;
import io.citytwin.device.ValueType;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.GeoValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The {@code geo:point} field type: positions in the shapes devices send become a GeoProperty Point. */
class GeoPointConversionTest {
    private static final String LOCATION = "https://uri.etsi.org/ngsi-ld/location";
    private static final Instant RECEIVED = Instant.parse("2026-11-17T12:00:00Z");
    private static final DeviceMapping MAPPING =
            DeviceMapping.of(List.of(new FieldMapping("pos", LOCATION).withType(ValueType.GEO_POINT)), false);

    private static MappingResult mapJson(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        DecodeResult d = new JsonPayloadDecoder().decode(b, 0, b.length);
        assertThat(d).as(json).isInstanceOf(DecodeResult.Decoded.class);
        return MAPPING.apply(((DecodeResult.Decoded) d).readings().get(0), RECEIVED);
    }

    private static List<Object> coordinates(MappingResult r) {
        Attribute a = r.attributes().get(LOCATION).get(0);
        assertThat(a.kind()).isEqualTo(AttributeKind.GEO_PROPERTY);
        Map<String, Object> g = ((GeoValue) a.value()).geoJson();
        assertThat(g).containsEntry("type", "Point");
        @SuppressWarnings("unchecked")
        List<Object> c = (List<Object>) g.get("coordinates");
        return c;
    }

    @Test
    void everyShape_givesTheSamePoint_observedWhenTheDeviceSays() {
        for (String pos : List.of(
                "[13.4, 52.5]",
                "{\"lat\": 52.5, \"lon\": 13.4}",
                "{\"latitude\": 52.5, \"longitude\": 13.4}",
                "{\"lat\": \"52.5\", \"lng\": \"13.4\"}",
                "{\"type\": \"Point\", \"coordinates\": [13.4, 52.5]}")) {
            MappingResult r = mapJson("{\"pos\": " + pos + ", \"ts\": \"2026-11-17T11:00:00Z\"}");
            assertThat(r.problems()).as(pos).isEmpty();
            assertThat(coordinates(r)).as(pos).containsExactly(13.4, 52.5);
            assertThat(r.attributes().get(LOCATION).get(0).observedAt())
                    .isEqualTo(Instant.parse("2026-11-17T11:00:00Z"));
        }
        assertThat(coordinates(mapJson("{\"pos\": [13, 52, 34.5]}"))).containsExactly(13.0, 52.0, 34.5);
    }

    @Test
    void notAPosition_isAProblem_andTheOtherFieldsStay() {
        for (String pos : List.of(
                "[13.4]",
                "[13.4, 52.5, 1, 2]",
                "[\"east\", 52.5]",
                "{\"lat\": 52.5}",
                "{\"lat\": 52.5, \"lon\": 13.4, \"alt\": \"high\"}",
                "[200, 52.5]",
                "[13.4, -91]",
                "\"13.4,52.5\"",
                "true",
                "{\"type\": \"Point\", \"coordinates\": []}")) {
            MappingResult r = mapJson("{\"pos\": " + pos + "}");
            assertThat(r.attributes()).as(pos).doesNotContainKey(LOCATION);
            assertThat(r.problems()).as(pos).singleElement().asString().startsWith("field pos: ");
        }
    }

    @Test
    void label_roundTrips() {
        assertThat(ValueType.parse("geo:point")).isEqualTo(ValueType.GEO_POINT);
        assertThat(ValueType.parse("GEO_POINT")).isEqualTo(ValueType.GEO_POINT);
        assertThat(ValueType.parse("Number")).isEqualTo(ValueType.NUMBER);
        for (ValueType t : ValueType.values()) {
            assertThat(ValueType.parse(t.label())).isEqualTo(t);
        }
    }

    @Property
    void anyValidPosition_inAnyShape_isThatPoint(
            @ForAll @DoubleRange(min = -180, max = 180) double lon,
            @ForAll @DoubleRange(min = -90, max = 90) double lat,
            @ForAll("shapes") String shape) {
        String json = String.format(Locale.ROOT, shape, lon, lat);
        MappingResult r = mapJson("{\"pos\": " + json + "}");
        assertThat(r.problems()).isEmpty();
        List<Object> c = coordinates(r);
        assertThat(((Number) c.get(0)).doubleValue()).isEqualTo(lon);
        assertThat(((Number) c.get(1)).doubleValue()).isEqualTo(lat);
    }

    @Provide
    Arbitrary<String> shapes() {
        // %1$s = lon, %2$s = lat, printed in full (Double.toString) so the value survives the round trip
        return Arbitraries.of(
                "[%1$s, %2$s]",
                "{\"lat\": %2$s, \"lon\": %1$s}",
                "{\"longitude\": %1$s, \"latitude\": %2$s}",
                "{\"type\": \"Point\", \"coordinates\": [%1$s, %2$s]}");
    }

    @Property
    void anyJsonValue_neverThrows_andIsAPointOrAProblem(@ForAll("values") String value) {
        MappingResult r = mapJson("{\"pos\": " + value + "}");
        boolean point = r.attributes().containsKey(LOCATION);
        assertThat(point && !r.problems().isEmpty()).as(value).isFalse();
        // an object without any position member is a reading without the field (the decoder flattens objects)
        boolean noMember = value.startsWith("{") && !value.matches(".*\"(lat|lon|lng|latitude|longitude|alt|type)\".*");
        assertThat(point || !r.problems().isEmpty() || (noMember && !value.equals("{}")))
                .as(value)
                .isTrue();
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.doubles().between(-400, 400).map(d -> Double.toString(d)),
                Arbitraries.integers().between(-400, 400).map(String::valueOf),
                Arbitraries.of("\"x\"", "null", "true", "\"12.5\"", "[]", "{}"));
        Arbitrary<String> list = number.list().ofMinSize(0).ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> object = Arbitraries.of("lat", "lon", "lng", "latitude", "longitude", "alt", "type", "x")
                .flatMap(k -> number.map(v -> "\"" + k + "\": " + v))
                .list()
                .ofMaxSize(4)
                .uniqueElements(e -> e.substring(0, e.indexOf(':')))
                .map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(number, list, object);
    }
}
