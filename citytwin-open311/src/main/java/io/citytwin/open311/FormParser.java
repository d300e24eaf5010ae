package io.citytwin.open311;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code application/x-www-form-urlencoded} data (a POST body or a query string) strictly.
 *
 * <p>Algorithm (WHATWG URL Standard, section 5.1 "application/x-www-form-urlencoded parsing"): split on {@code &};
 * skip empty sequences; split each at the first {@code =}; replace {@code +} by a space; percent-decode into bytes;
 * decode the bytes as UTF-8. Unlike the WHATWG parser, which substitutes U+FFFD, this one refuses a malformed escape
 * ({@code %} not followed by two hex digits) or malformed UTF-8 with a 400: GeoReport v2 requires UTF-8 everywhere,
 * and a report whose text was mangled should be refused rather than stored garbled. Repeated names keep every value,
 * in order (the spec's {@code attribute[code][]=v1&attribute[code][]=v2}).
 */
public final class FormParser {
    private FormParser() {}

    /**
     * The fields of {@code data}, in order of first appearance.
     *
     * @throws Open311Exception (400, {@code open311.encoding}) on a malformed escape or invalid UTF-8
     */
    public static Map<String, List<String>> parse(String data) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (data.isEmpty()) {
            return out;
        }
        int i = 0;
        int n = data.length();
        while (i <= n) {
            int amp = data.indexOf('&', i);
            int end = amp < 0 ? n : amp;
            if (end > i) {
                String pair = data.substring(i, end);
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return out;
    }

    /** The form data of a body, which must be UTF-8 (ASCII after percent-encoding, but checked anyway). */
    public static Map<String, List<String>> parse(byte[] body) {
        return parse(utf8(body));
    }

    /** Percent-decodes one name or value ({@code +} is a space). */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[raw.length];
        int len = 0;
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '+') {
                buf[len++] = ' ';
            } else if (b == '%') {
                int hi = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw Open311Exception.badRequest(
                            "open311.encoding", "Malformed percent-escape in form data at '" + excerpt(s, i) + "'");
                }
                buf[len++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                buf[len++] = b;
            }
        }
        return utf8(java.util.Arrays.copyOf(buf, len));
    }

    /** Decodes strict UTF-8: malformed or unmappable input is refused, never replaced. */
    public static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw Open311Exception.badRequest("open311.encoding", "Form data is not valid UTF-8");
        }
    }

    private static String excerpt(String s, int at) {
        int from = Math.max(0, Math.min(at, s.length()));
        return s.substring(from, Math.min(s.length(), from + 3));
    }
}
