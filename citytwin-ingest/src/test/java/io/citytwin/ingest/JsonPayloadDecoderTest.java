package io.citytwin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonPayloadDecoderTest {
    private final JsonPayloadDecoder decoder = new JsonPayloadDecoder();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<Reading> decoded(String json) {
        DecodeResult r = decoder.decode(utf8(json));
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private DecodeResult.Rejected rejected(String json) {
        return rejected(decoder, json);
    }

    private static DecodeResult.Rejected rejected(PayloadDecoder d, String json) {
        DecodeResult r = d.decode(utf8(json));
        assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        return (DecodeResult.Rejected) r;
    }

    @Test
    void decode_flatObject_givesOneReadingWithTypedFields() {
        List<Reading> rs = decoded("{\"temperature\": 21.5, \"humidity\": 40, \"on\": true, \"name\": \"lamp\"}");
        assertThat(rs).hasSize(1);
        assertThat(rs.get(0).fields())
                .containsExactly(
                        Map.entry("temperature", 21.5),
                        Map.entry("humidity", 40L),
                        Map.entry("on", true),
                        Map.entry("name", "lamp"));
        assertThat(rs.get(0).timestamp()).isNull();
    }

    @Test
    void decode_numbers_keepLongForIntegersAndDoubleOtherwise() {
        Map<String, Object> f = decoded(
                        "{\"a\": 21.0, \"b\": -7, \"c\": 1e3, \"d\": 123456789012345678901234, \"n\": null}")
                .get(0)
                .fields();
        assertThat(f.get("a")).isEqualTo(21.0);
        assertThat(f.get("b")).isEqualTo(-7L);
        assertThat(f.get("c")).isEqualTo(1000.0);
        assertThat(f.get("d")).isEqualTo(1.2345678901234568e23);
        assertThat(f.get("n")).isEqualTo(Json.NULL);
    }

    @Test
    void decode_nestedObjects_flattenToDottedPaths() {
        Map<String, Object> f = decoded("{\"env\": {\"t\": 21, \"air\": {\"pm10\": 3}}, \"x\": {}}")
                .get(0)
                .fields();
        assertThat(f).containsExactly(Map.entry("env.t", 21L), Map.entry("env.air.pm10", 3L), Map.entry("x", Map.of()));
    }

    @Test
    void decode_arrays_stayValues() {
        Map<String, Object> f = decoded("{\"samples\": [1, 2.5, \"x\"], \"pts\": [{\"a\": 1}]}")
                .get(0)
                .fields();
        assertThat(f.get("samples")).isEqualTo(List.of(1L, 2.5, "x"));
        assertThat(f.get("pts")).isEqualTo(List.of(Map.of("a", 1L)));
    }

    @Test
    void decode_isoTimestamp_becomesReadingTimestamp() {
        Reading r =
                decoded("{\"ts\": \"2024-05-01T10:00:00.5+02:00\", \"t\": 1}").get(0);
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2024-05-01T08:00:00.500Z"));
        assertThat(r.fields()).containsOnlyKeys("t");
    }

    @Test
    void decode_epochMillisTimestamp_becomesReadingTimestamp() {
        Reading r = decoded("{\"t\": 1, \"ts\": 1714550400000}").get(0);
        assertThat(r.timestamp()).isEqualTo(Instant.ofEpochMilli(1714550400000L));
    }

    @Test
    void decode_configuredTimestampField_isUsed_andNestedTsIsAField() {
        JsonPayloadDecoder d = new JsonPayloadDecoder("time", 1000);
        DecodeResult r = d.decode(utf8("{\"time\": \"2024-05-01T10:00:00Z\", \"ts\": 5, \"a\": {\"time\": 1}}"));
        Reading reading = ((DecodeResult.Decoded) r).readings().get(0);
        assertThat(reading.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(reading.fields()).containsOnlyKeys("ts", "a.time");
    }

    @Test
    void decode_topLevelArray_givesOneReadingPerObject() {
        List<Reading> rs =
                decoded("[{\"t\": 1, \"ts\": 1000}, {\"t\": 2, \"ts\": \"1970-01-01T00:00:02Z\"}, {\"t\": 3}]");
        assertThat(rs)
                .extracting(Reading::timestamp)
                .containsExactly(Instant.ofEpochMilli(1000), Instant.ofEpochSecond(2), null);
        assertThat(rs).extracting(r -> r.fields().get("t")).containsExactly(1L, 2L, 3L);
        assertThat(decoded("[]")).isEmpty();
    }

    @Test
    void decode_slice_decodesOnlyTheSliceAndReportsRelativePositions() {
        byte[] bytes = utf8("xxxx{\"a\": 1}yyyy");
        DecodeResult ok = decoder.decode(bytes, 4, 8);
        assertThat(((DecodeResult.Decoded) ok).readings().get(0).fields()).containsExactly(Map.entry("a", 1L));
        byte[] bad = utf8("xxxx{\"a\": 1, \"a\": 2}");
        DecodeResult r = decoder.decode(bad, 4, bad.length - 4);
        assertThat(r).isEqualTo(new DecodeResult.Rejected("duplicate field 'a'", 9));
    }

    @Test
    void decode_invalidJson_isRejectedWithPosition() {
        DecodeResult.Rejected r = rejected("{\"a\": 1,, }");
        assertThat(r.reason()).startsWith("invalid JSON: ");
        assertThat(r.position()).isEqualTo(8);
        assertThat(rejected("{\"a\": 1").reason()).startsWith("invalid JSON: ");
        assertThat(rejected("{\"a\": tru}").reason()).startsWith("invalid JSON: ");
    }

    @Test
    void decode_trailingGarbage_isRejected() {
        assertThat(rejected("{\"a\": 1} {\"b\": 2}"))
                .isEqualTo(new DecodeResult.Rejected("trailing content after the JSON value", 9));
        assertThat(rejected("{\"a\": 1}x").reason()).startsWith("invalid JSON: ");
    }

    @Test
    void decode_duplicateKeys_areRejected_alsoAfterFlattening() {
        assertThat(rejected("{\"a\": 1, \"a\": 2}")).isEqualTo(new DecodeResult.Rejected("duplicate field 'a'", 9));
        assertThat(rejected("{\"a.b\": 1, \"a\": {\"b\": 2}}").reason()).isEqualTo("duplicate field 'a.b'");
        assertThat(rejected("{\"ts\": 1, \"ts\": 2}").reason()).isEqualTo("duplicate field 'ts'");
        assertThat(rejected("{\"v\": [{\"k\": 1, \"k\": 2}]}").reason()).isEqualTo("duplicate key 'k'");
    }

    @Test
    void decode_nonObjects_areRejected() {
        assertThat(rejected("42"))
                .isEqualTo(new DecodeResult.Rejected(
                        "expected a JSON object or an array of objects but found a number", 0));
        assertThat(rejected("[{\"a\": 1}, 3]"))
                .isEqualTo(new DecodeResult.Rejected("array element 1 is not an object but a number", 11));
        assertThat(rejected("  ")).isEqualTo(new DecodeResult.Rejected("no JSON value in payload", 2));
        assertThat(rejected("")).isEqualTo(new DecodeResult.Rejected("empty payload", 0));
        assertThat(rejected("{\"\": 1}").reason()).isEqualTo("empty field name");
    }

    @Test
    void decode_depthOverEight_isRejected_eightIsFine() {
        String eight = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":1}}}}}}}}";
        assertThat(decoded(eight).get(0).fields()).containsOnlyKeys("a.b.c.d.e.f.g.h");
        String nine = "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":1}}}}}}}}}";
        assertThat(rejected(nine).reason()).isEqualTo("nesting deeper than 8 levels");
        assertThat(decoded("[{\"a\":[[[[[[[1]]]]]]]}]").get(0).fields()).containsOnlyKeys("a");
        assertThat(rejected("[{\"a\":[[[[[[[[1]]]]]]]]}]").reason()).isEqualTo("nesting deeper than 8 levels");
    }

    @Test
    void decode_moreThan256Fields_isRejected_256IsFine() {
        assertThat(decoded(fields(256)).get(0).fields()).hasSize(256);
        assertThat(rejected(fields(257)).reason()).isEqualTo("more than 256 fields in one reading");
    }

    private static String fields(int n) {
        StringBuilder sb = new StringBuilder("{\"ts\": 0");
        for (int i = 0; i < n; i++) {
            sb.append(", \"f").append(i).append("\": ").append(i);
        }
        return sb.append('}').toString();
    }

    @Test
    void decode_invalidTimestamps_areRejected() {
        assertThat(rejected("{\"t\": 1, \"ts\": \"yesterday\"}"))
                .isEqualTo(new DecodeResult.Rejected(
                        "invalid timestamp 'ts': 'yesterday' is not an ISO 8601 dateTime (years 0000..9999)", 15));
        assertThat(rejected("{\"ts\": 1.5}").reason()).startsWith("invalid timestamp 'ts': expected an ISO 8601");
        assertThat(rejected("{\"ts\": true}").reason()).startsWith("invalid timestamp 'ts': expected an ISO 8601");
        assertThat(rejected("{\"ts\": 9223372036854775807}").reason()).contains("outside years 0000..9999");
        assertThat(rejected("{\"ts\": \"2024-02-30T00:00:00Z\"}").reason()).startsWith("invalid timestamp");
    }

    @Test
    void decode_hugeNumber_isRejected() {
        assertThat(rejected("{\"a\": 1e999}").reason()).startsWith("number out of range");
    }

    @Test
    void decode_oversizedPayload_isRejected() {
        JsonPayloadDecoder small = new JsonPayloadDecoder("ts", 10);
        assertThat(rejected(small, "{\"abc\": 12345}"))
                .isEqualTo(new DecodeResult.Rejected("payload too long: 14 bytes, at most 10 allowed", 10));
    }

    @Test
    void decode_invalidUtf8_isRejected() {
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThat(decoder.decode(bad)).isInstanceOf(DecodeResult.Rejected.class);
    }
}
