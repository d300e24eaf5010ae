package io.citytwin.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.IsoTimes;
import java.nio.charset.StandardCharsets;
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
import net.jqwik.api.constraints.Size;

/** Both decoders: total on arbitrary bytes, and lossless on the readings they can express. */
class DecoderPropertiesTest {
    private final JsonPayloadDecoder json = new JsonPayloadDecoder();
    private final CompactTextDecoder compact = new CompactTextDecoder();

    @Property(tries = 1000)
    void jsonDecoder_anyBytes_givesDecodedOrRejected(@ForAll @Size(max = 200) byte[] bytes) {
        assertTotal(json, bytes);
    }

    @Property(tries = 1000)
    void compactDecoder_anyBytes_givesDecodedOrRejected(@ForAll @Size(max = 200) byte[] bytes) {
        assertTotal(compact, bytes);
    }

    @Property(tries = 1000)
    void jsonDecoder_jsonLikeBytes_givesDecodedOrRejected(@ForAll("jsonLike") String text) {
        assertTotal(json, text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void compactDecoder_compactLikeBytes_givesDecodedOrRejected(@ForAll("compactLike") String text) {
        assertTotal(compact, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertTotal(PayloadDecoder d, byte[] bytes) {
        DecodeResult r = d.decode(bytes);
        switch (r) {
            case DecodeResult.Decoded ok -> assertThat(ok.readings()).doesNotContainNull();
            case DecodeResult.Rejected no -> {
                assertThat(no.reason()).isNotBlank();
                assertThat(no.position()).isBetween(0, Math.max(bytes.length, 1 << 20));
            }
        }
    }

    @Provide
    Arbitrary<String> jsonLike() {
        return Arbitraries.of(
                        "{",
                        "}",
                        "[",
                        "]",
                        "\"a\"",
                        "\"ts\"",
                        ":",
                        ",",
                        "1",
                        "-2.5e3",
                        "true",
                        "null",
                        " ",
                        "\"2024-01-01T00:00:00Z\"",
                        "\"x.y\"",
                        "\"\"",
                        "\\",
                        "\u00e9")
                .list()
                .ofMaxSize(40)
                .map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> compactLike() {
        return Arbitraries.of(
                        "|",
                        "#",
                        "t",
                        "TimeInstant",
                        "2024-01-01T00:00:00Z",
                        "1",
                        "-2.5",
                        "true",
                        "",
                        "\n",
                        "\u00e9",
                        "\ud83d\ude00")
                .list()
                .ofMaxSize(30)
                .map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void jsonDecoder_encodedReadings_roundTrip(@ForAll("readings") List<Reading> readings) {
        String text = readings.size() == 1 ? jsonObject(readings.get(0)) : jsonArray(readings);
        DecodeResult r = json.decode(text.getBytes(StandardCharsets.UTF_8));
        assertThat(r).isEqualTo(new DecodeResult.Decoded(readings));
    }

    @Property(tries = 500)
    void compactDecoder_encodedReadings_roundTrip(@ForAll("compactReadings") List<Reading> readings) {
        StringBuilder sb = new StringBuilder();
        for (Reading reading : readings) {
            if (!sb.isEmpty()) {
                sb.append('#');
            }
            boolean first = true;
            if (reading.timestamp() != null) {
                sb.append("TimeInstant|").append(reading.timestamp());
                first = false;
            }
            for (Map.Entry<String, Object> e : reading.fields().entrySet()) {
                sb.append(first ? "" : "|").append(e.getKey()).append('|').append(e.getValue());
                first = false;
            }
        }
        DecodeResult r = compact.decode(sb.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(r).isEqualTo(new DecodeResult.Decoded(readings));
    }

    private static final String KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_-äö温";

    private static Arbitrary<String> keys() {
        return Arbitraries.strings()
                .withChars(KEY_CHARS)
                .ofMinLength(1)
                .ofMaxLength(8)
                .filter(k -> !k.equals("ts"));
    }

    private static Arbitrary<Object> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.strings()
                        .ofMaxLength(12)
                        .filter(DecoderPropertiesTest::noSurrogates)
                        .map(s -> (Object) s));
    }

    /** Unpaired surrogates have no UTF-8 form; paired ones are covered by the example tests. */
    private static boolean noSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static Arbitrary<Instant> timestamps() {
        return Arbitraries.longs()
                .between(IsoTimes.MIN.toEpochMilli(), IsoTimes.MAX.toEpochMilli())
                .map(Instant::ofEpochMilli);
    }

    @Provide
    Arbitrary<List<Reading>> readings() {
        Arbitrary<Map<String, Object>> fields =
                Arbitraries.maps(keys(), scalars()).ofMaxSize(10).map(LinkedHashMap::new);
        Arbitrary<Reading> reading =
                Combinators.combine(fields, timestamps().injectNull(0.3)).as(Reading::new);
        return reading.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Reading>> compactReadings() {
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.strings()
                        .withChars("abcxyz .:,;/-_äö温")
                        .ofMaxLength(10)
                        .map(s -> (Object) s)
                        .filter(s -> CompactTextDecoder.typed((String) s).equals(s)));
        Arbitrary<Map<String, Object>> fields = Arbitraries.maps(keys().filter(k -> !k.equals("TimeInstant")), values)
                .ofMinSize(1)
                .ofMaxSize(10)
                .map(LinkedHashMap::new);
        Arbitrary<Reading> reading =
                Combinators.combine(fields, timestamps().injectNull(0.3)).as(Reading::new);
        return reading.list().ofMinSize(1).ofMaxSize(4);
    }

    private static String jsonArray(List<Reading> readings) {
        List<String> parts = new ArrayList<>();
        for (Reading r : readings) {
            parts.add(jsonObject(r));
        }
        return "[" + String.join(",", parts) + "]";
    }

    private static String jsonObject(Reading r) {
        StringBuilder sb = new StringBuilder("{");
        if (r.timestamp() != null) {
            // alternate the two timestamp forms
            sb.append("\"ts\":");
            if (r.timestamp().toEpochMilli() % 2 == 0) {
                sb.append(r.timestamp().toEpochMilli());
            } else {
                sb.append('"').append(r.timestamp()).append('"');
            }
        }
        for (Map.Entry<String, Object> e : r.fields().entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(quote(e.getKey())).append(':');
            Object v = e.getValue();
            sb.append(v instanceof String s ? quote(s) : String.valueOf(v));
        }
        return sb.append('}').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
