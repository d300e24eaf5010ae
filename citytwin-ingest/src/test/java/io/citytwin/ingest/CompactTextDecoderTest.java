package io.citytwin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactTextDecoderTest {
    private final CompactTextDecoder decoder = new CompactTextDecoder();

    private List<Reading> decoded(String text) {
        DecodeResult r = decoder.decode(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) r).readings();
    }

    private DecodeResult rejected(String text) {
        DecodeResult r = decoder.decode(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
        return r;
    }

    @Test
    void decode_pairs_giveTypedFields() {
        List<Reading> rs = decoded("t|21.5|h|40|on|true|off|false|name|lamp 3|e|");
        assertThat(rs).hasSize(1);
        assertThat(rs.get(0).fields())
                .containsExactly(
                        Map.entry("t", 21.5),
                        Map.entry("h", 40L),
                        Map.entry("on", true),
                        Map.entry("off", false),
                        Map.entry("name", "lamp 3"),
                        Map.entry("e", ""));
        assertThat(rs.get(0).timestamp()).isNull();
    }

    @Test
    void decode_numbers_followJsonGrammar() {
        Map<String, Object> f = decoded(
                        "a|21.0|b|-7|c|2e3|d|9223372036854775807|e|9223372036854775808|f|007|g|1.|h|+1|i|1e999|j|True")
                .get(0)
                .fields();
        assertThat(f.get("a")).isEqualTo(21.0);
        assertThat(f.get("b")).isEqualTo(-7L);
        assertThat(f.get("c")).isEqualTo(2000.0);
        assertThat(f.get("d")).isEqualTo(Long.MAX_VALUE);
        assertThat(f.get("e")).isEqualTo(9.223372036854775808e18);
        assertThat(f.get("f")).isEqualTo("007");
        assertThat(f.get("g")).isEqualTo("1.");
        assertThat(f.get("h")).isEqualTo("+1");
        assertThat(f.get("i")).isEqualTo("1e999");
        assertThat(f.get("j")).isEqualTo("True");
        assertThat(decoded("m|-9223372036854775808").get(0).fields().get("m")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void decode_hash_separatesReadings_eachWithItsTimestamp() {
        List<Reading> rs = decoded("TimeInstant|2024-05-01T10:00:00Z|t|1#t|2#t|3|TimeInstant|2024-05-01T10:00:02Z\r\n");
        assertThat(rs)
                .extracting(Reading::timestamp)
                .containsExactly(Instant.parse("2024-05-01T10:00:00Z"), null, Instant.parse("2024-05-01T10:00:02Z"));
        assertThat(rs).extracting(r -> r.fields().get("t")).containsExactly(1L, 2L, 3L);
        assertThat(rs.get(0).fields()).containsOnlyKeys("t");
    }

    @Test
    void decode_configuredTimestampKey_isUsed() {
        CompactTextDecoder d = new CompactTextDecoder("ts", 100);
        DecodeResult r = d.decode("ts|2024-05-01T10:00:00Z|TimeInstant|x".getBytes(StandardCharsets.UTF_8));
        Reading reading = ((DecodeResult.Decoded) r).readings().get(0);
        assertThat(reading.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(reading.fields()).containsExactly(Map.entry("TimeInstant", "x"));
    }

    @Test
    void decode_utf8_isDecoded() {
        assertThat(decoded("straße|grün|温度|21").get(0).fields())
                .containsExactly(Map.entry("straße", "grün"), Map.entry("温度", 21L));
    }

    @Test
    void decode_slice_reportsRelativePositions() {
        byte[] bytes = "zzt|1|h".getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.decode(bytes, 2, 3))
                .isEqualTo(new DecodeResult.Decoded(List.of(Reading.of(Map.of("t", 1L)))));
        assertThat(decoder.decode(bytes, 2, 5))
                .isEqualTo(new DecodeResult.Rejected("odd number of tokens: key 'h' has no value", 5));
    }

    @Test
    void decode_oddTokens_isRejected() {
        assertThat(rejected("t|1|h"))
                .isEqualTo(new DecodeResult.Rejected("odd number of tokens: key 'h' has no value", 5));
        assertThat(rejected("t#h|1"))
                .isEqualTo(new DecodeResult.Rejected("odd number of tokens: key 't' has no value", 1));
    }

    @Test
    void decode_emptyKey_isRejected() {
        assertThat(rejected("|1")).isEqualTo(new DecodeResult.Rejected("empty key", 0));
        assertThat(rejected("t|1#")).isEqualTo(new DecodeResult.Rejected("empty key", 4));
        assertThat(rejected("t|1||2")).isEqualTo(new DecodeResult.Rejected("empty key", 4));
    }

    @Test
    void decode_empty_isRejected() {
        assertThat(rejected("")).isEqualTo(new DecodeResult.Rejected("empty payload", 0));
        assertThat(rejected("\r\n")).isEqualTo(new DecodeResult.Rejected("empty payload", 0));
    }

    @Test
    void decode_duplicateKey_isRejected() {
        assertThat(rejected("t|1|t|2")).isEqualTo(new DecodeResult.Rejected("duplicate key 't'", 4));
        assertThat(decoded("t|1#t|2")).hasSize(2);
    }

    @Test
    void decode_invalidUtf8_isRejectedAtTheBadByte() {
        byte[] bad = {'t', '|', 'a', (byte) 0xC3, (byte) 0x28};
        assertThat(decoder.decode(bad)).isEqualTo(new DecodeResult.Rejected("invalid UTF-8 in value", 3));
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80, '|', '1'};
        assertThat(decoder.decode(surrogate)).isEqualTo(new DecodeResult.Rejected("invalid UTF-8 in key", 0));
        byte[] overlong = {'k', '|', (byte) 0xC0, (byte) 0xAF};
        assertThat(decoder.decode(overlong)).isEqualTo(new DecodeResult.Rejected("invalid UTF-8 in value", 2));
        byte[] truncated = {'k', '|', (byte) 0xE2, (byte) 0x82};
        assertThat(decoder.decode(truncated)).isEqualTo(new DecodeResult.Rejected("invalid UTF-8 in value", 2));
    }

    @Test
    void decode_moreThan256Fields_isRejected_256IsFine() {
        assertThat(decoded(pairs(256)).get(0).fields()).hasSize(256);
        DecodeResult r = rejected(pairs(257));
        assertThat(((DecodeResult.Rejected) r).reason()).isEqualTo("more than 256 fields in one reading");
    }

    private static String pairs(int n) {
        StringBuilder sb = new StringBuilder("TimeInstant|2024-05-01T10:00:00Z");
        for (int i = 0; i < n; i++) {
            sb.append("|f").append(i).append('|').append(i);
        }
        return sb.toString();
    }

    @Test
    void decode_tooLong_isRejected() {
        CompactTextDecoder small = new CompactTextDecoder("TimeInstant", 8);
        assertThat(small.decode("t|1|h|2|x|3".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new DecodeResult.Rejected("payload too long: 11 bytes, at most 8 allowed", 8));
    }

    @Test
    void decode_invalidTimestamp_isRejected() {
        assertThat(rejected("TimeInstant|now|t|1"))
                .isEqualTo(new DecodeResult.Rejected(
                        "invalid timestamp 'TimeInstant': 'now' is not an ISO 8601 dateTime (years 0000..9999)", 12));
        assertThat(rejected("TimeInstant|2024-05-01T10:00:00Z|TimeInstant|2024-05-01T10:00:00Z"))
                .isEqualTo(new DecodeResult.Rejected("duplicate key 'TimeInstant'", 33));
    }
}
