package io.citytwin.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.device.FieldMapping;
import io.citytwin.device.ValueType;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceMappingTest {
    private static final String NS = "https://smartdatamodels.org/";
    private static final Instant RECEIVED = Instant.parse("2024-05-01T12:00:00Z");
    private static final Instant MEASURED = Instant.parse("2024-05-01T11:59:00Z");

    private static Object value(MappingResult r, String attribute) {
        return only(r, attribute).value();
    }

    private static Attribute only(MappingResult r, String attribute) {
        assertThat(r.attributes()).containsKey(attribute);
        List<Attribute> instances = r.attributes().get(attribute);
        assertThat(instances).hasSize(1);
        return instances.get(0);
    }

    private static MappingResult map(FieldMapping m, Object raw) {
        return DeviceMapping.of(List.of(m), false).apply(Reading.of(Map.of("f", raw)), RECEIVED);
    }

    @Test
    void apply_scaleOffsetAndUnit_giveScaledPropertyWithUnit() {
        FieldMapping m = new FieldMapping("env.t", NS + "temperature")
                .withType(ValueType.NUMBER)
                .withUnitCode("CEL")
                .withScale(0.1, -40);
        MappingResult r =
                DeviceMapping.of(List.of(m), false).apply(new Reading(Map.of("env.t", 615L), MEASURED), RECEIVED);
        Attribute a = only(r, NS + "temperature");
        assertThat(a.kind()).isEqualTo(AttributeKind.PROPERTY);
        assertThat((Double) a.value()).isCloseTo(21.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.unitCode()).isEqualTo("CEL");
        assertThat(a.observedAt()).isEqualTo(MEASURED);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void apply_readingWithoutTimestamp_usesReceiveTime() {
        MappingResult r = map(new FieldMapping("f", NS + "x"), 1L);
        assertThat(only(r, NS + "x").observedAt()).isEqualTo(RECEIVED);
        assertThat(only(r, NS + "x").unitCode()).isNull();
    }

    @Test
    void apply_number_keepsUnscaledNumbersAndParsesNumericStrings() {
        FieldMapping m = new FieldMapping("f", NS + "x").withType(ValueType.NUMBER);
        assertThat(value(map(m, 40L), NS + "x")).isEqualTo(40L);
        assertThat(value(map(m, 40.5), NS + "x")).isEqualTo(40.5);
        assertThat(value(map(m, "12.5"), NS + "x")).isEqualTo(12.5);
        assertThat(value(map(m.withScale(2, 0), 40L), NS + "x")).isEqualTo(80.0);
        MappingResult bad = map(m, "abc");
        assertThat(bad.attributes()).isEmpty();
        assertThat(bad.problems()).containsExactly("field f: 'abc' is not a number");
        assertThat(map(m, true).problems()).containsExactly("field f: true is not a number");
        assertThat(map(m.withScale(1e300, 0), 1e300).problems())
                .containsExactly("field f: 1.0E300 scaled is out of range");
    }

    @Test
    void apply_integer_roundsAfterScaling() {
        FieldMapping m = new FieldMapping("f", NS + "x").withType(ValueType.INTEGER);
        assertThat(value(map(m, 7L), NS + "x")).isEqualTo(7L);
        assertThat(value(map(m, 7.5), NS + "x")).isEqualTo(8L);
        assertThat(value(map(m.withScale(1000, 0), 0.0214), NS + "x")).isEqualTo(21L);
        assertThat(value(map(m, "-3"), NS + "x")).isEqualTo(-3L);
        assertThat(map(m, 1e19).problems()).containsExactly("field f: 1.0E19 is out of integer range");
        assertThat(map(m, "x").problems()).containsExactly("field f: 'x' is not a number");
    }

    @Test
    void apply_boolean_acceptsBooleansTextAndZeroOne() {
        FieldMapping m =
                new FieldMapping("f", NS + "on").withType(ValueType.BOOLEAN).withScale(5, 5);
        assertThat(value(map(m, true), NS + "on")).isEqualTo(true);
        assertThat(value(map(m, "FALSE"), NS + "on")).isEqualTo(false);
        assertThat(value(map(m, 1L), NS + "on")).isEqualTo(true);
        assertThat(value(map(m, "0"), NS + "on")).isEqualTo(false);
        assertThat(map(m, 2L).problems()).containsExactly("field f: 2 is not a boolean");
    }

    @Test
    void apply_string_printsScalars_refusesStructures() {
        FieldMapping m = new FieldMapping("f", NS + "s").withType(ValueType.STRING);
        assertThat(value(map(m, 40L), NS + "s")).isEqualTo("40");
        assertThat(value(map(m, 2.5), NS + "s")).isEqualTo("2.5");
        assertThat(value(map(m, "x"), NS + "s")).isEqualTo("x");
        assertThat(map(m, List.of(1L)).problems()).containsExactly("field f: a list is not a scalar");
    }

    @Test
    void apply_dateTime_givesCanonicalUtcText() {
        FieldMapping m = new FieldMapping("f", NS + "d").withType(ValueType.DATETIME);
        assertThat(value(map(m, "2024-05-01T12:00:00+02:00"), NS + "d")).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(value(map(m, 0L), NS + "d")).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(map(m, "soon").problems()).containsExactly("field f: 'soon' is not an ISO 8601 dateTime");
    }

    @Test
    void apply_jsonAndAuto_keepStructures() {
        FieldMapping json =
                new FieldMapping("f", NS + "j").withType(ValueType.JSON).withScale(3, 0);
        assertThat(value(map(json, Map.of("a", 1L)), NS + "j")).isEqualTo(Map.of("a", 1L));
        assertThat(value(map(json, 2L), NS + "j")).isEqualTo(2L);
        FieldMapping auto = new FieldMapping("f", NS + "a").withScale(2, 1);
        assertThat(value(map(auto, 2L), NS + "a")).isEqualTo(5.0);
        assertThat(value(map(auto, "two"), NS + "a")).isEqualTo("two");
        assertThat(value(map(auto, List.of(1L)), NS + "a")).isEqualTo(List.of(1L));
    }

    @Test
    void apply_null_isAProblem() {
        assertThat(map(new FieldMapping("f", NS + "a"), Json.NULL).problems()).containsExactly("field f: null value");
    }

    @Test
    void apply_badField_doesNotSinkTheOthers() {
        DeviceMapping dm = DeviceMapping.of(
                List.of(
                        new FieldMapping("t", NS + "t").withType(ValueType.NUMBER),
                        new FieldMapping("h", NS + "h").withType(ValueType.NUMBER),
                        new FieldMapping("missing", NS + "m")),
                false);
        LinkedHashMap<String, Object> fields = new LinkedHashMap<>();
        fields.put("t", "abc");
        fields.put("h", 40L);
        MappingResult r = dm.apply(Reading.of(fields), RECEIVED);
        assertThat(r.attributes()).containsOnlyKeys(NS + "h");
        assertThat(r.problems()).containsExactly("field t: 'abc' is not a number");
        assertThat(r.hasProblems()).isTrue();
    }

    @Test
    void apply_passThrough_addsUnmappedFieldsUnderPrefix_orDropsThem() {
        LinkedHashMap<String, Object> fields = new LinkedHashMap<>();
        fields.put("t", 21L);
        fields.put("env.pm10", 3L);
        fields.put("bad name", 1L);
        Reading reading = new Reading(fields, MEASURED);
        List<FieldMapping> ms = List.of(new FieldMapping("t", NS + "temperature"));
        MappingResult through = DeviceMapping.of(ms, true).apply(reading, RECEIVED);
        assertThat(through.attributes()).containsOnlyKeys(NS + "temperature", Ngsi.DEFAULT_VOCAB + "env.pm10");
        assertThat(only(through, Ngsi.DEFAULT_VOCAB + "env.pm10").observedAt()).isEqualTo(MEASURED);
        assertThat(through.problems()).containsExactly("field bad name: name cannot be an attribute name");
        MappingResult dropped = DeviceMapping.of(ms, false).apply(reading, RECEIVED);
        assertThat(dropped.attributes()).containsOnlyKeys(NS + "temperature");
        assertThat(dropped.problems()).isEmpty();
    }

    @Test
    void apply_passThroughCollidingWithMappedAttribute_isAProblem() {
        DeviceMapping dm = new DeviceMapping(List.of(new FieldMapping("a", NS + "b")), true, NS);
        MappingResult r = dm.apply(Reading.of(Map.of("a", 1L, "b", 2L)), RECEIVED);
        assertThat(value(r, NS + "b")).isEqualTo(1L);
        assertThat(r.problems()).containsExactly("field b: " + NS + "b is already a mapped attribute");
    }

    @Test
    void mapping_oneFieldMayFeedSeveralAttributes() {
        DeviceMapping dm = DeviceMapping.of(
                List.of(
                        new FieldMapping("t", NS + "celsius"),
                        new FieldMapping("t", NS + "fahrenheit").withScale(1.8, 32)),
                false);
        MappingResult r = dm.apply(Reading.of(Map.of("t", 100L)), RECEIVED);
        assertThat(value(r, NS + "celsius")).isEqualTo(100L);
        assertThat(value(r, NS + "fahrenheit")).isEqualTo(212.0);
    }

    @Test
    void mapping_invalidDefinitions_areRefused() {
        assertThatThrownBy(() -> new FieldMapping("", NS + "a")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> DeviceMapping.of(List.of(new FieldMapping("a", "temperature")), false))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("expanded IRI");
        assertThatThrownBy(() -> new FieldMapping("a", NS + "a").withScale(0, 1))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new FieldMapping("a", NS + "a").withScale(Double.NaN, 1))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new FieldMapping("a", NS + "a").withUnitCode(""))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> DeviceMapping.of(
                        List.of(new FieldMapping("a", NS + "x"), new FieldMapping("b", NS + "x")), false))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("two mappings target");
    }
}
