package io.citytwin.twin.geo;

import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A tiny parser for the {@code coordinates} query parameter of NGSI-LD geo-queries (ETSI GS CIM 009 clause 4.10):
 * a JSON array text whose leaves are numbers, e.g. {@code [[8.6,49.4],[8.7,49.5]]}. It accepts the JSON number
 * grammar (RFC 8259 clause 6) and insignificant whitespace, nothing else, and yields nested unmodifiable
 * {@code List}s of {@code Double}. Nesting is limited to {@value #MAX_DEPTH} levels (a MultiPolygon needs 4).
 *
 * <p>Not thread-safe per instance; use {@link #parse(String)}, which makes a fresh instance.
 */
final class CoordinatesText {
    static final int MAX_DEPTH = 6;

    private final String text;
    private int pos;

    private CoordinatesText(String text) {
        this.text = text;
    }

    /**
     * @throws TwinException {@code geo.invalid} for anything but a JSON array of numbers
     */
    static List<Object> parse(String text) {
        CoordinatesText p = new CoordinatesText(text);
        p.skipWhitespace();
        if (p.pos >= text.length() || text.charAt(p.pos) != '[') {
            throw p.error("expected '['");
        }
        List<Object> result = p.array(1);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the array");
        }
        return result;
    }

    private List<Object> array(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("arrays nest deeper than " + MAX_DEPTH);
        }
        pos++; // '['
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return List.of();
        }
        while (true) {
            skipWhitespace();
            char c = peek();
            if (c == '[') {
                items.add(array(depth + 1));
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                items.add(number());
            } else {
                throw error("expected a number or '['");
            }
            skipWhitespace();
            char sep = peek();
            pos++;
            if (sep == ']') {
                return Collections.unmodifiableList(items);
            }
            if (sep != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    /* JSON number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
    private Double number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw error("malformed number");
        }
        if (peek() == '.') {
            pos++;
            if (!digits()) {
                throw error("malformed number: digits expected after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("malformed number: digits expected in the exponent");
            }
        }
        return Double.parseDouble(text.substring(start, pos));
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private TwinException error(String what) {
        return GeoJson.invalid("coordinates: " + what + " at offset " + pos + " of '" + abbreviate(text) + "'");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
