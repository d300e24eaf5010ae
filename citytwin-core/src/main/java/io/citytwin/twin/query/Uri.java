package io.citytwin.twin.query;

import io.citytwin.twin.TwinException;

/**
 * An unquoted URI written as an equality operand, e.g. {@code refStreet==urn:ngsi-ld:Street:1}. It compares equal to a
 * string value (a Relationship object, a VocabProperty IRI or a Property string) with the same characters.
 *
 * @param value a URI: a scheme ({@code [A-Za-z][A-Za-z0-9+.-]*}), a colon, then at least one character; none of the q
 *     delimiters {@code ; | ( ) , " \ < > { } ^ `}, no whitespace or control characters
 */
public record Uri(String value) {
    public Uri {
        if (!isValid(value)) {
            throw TwinException.badData("q.ast", "Not a URI usable in q: '" + value + "'");
        }
    }

    /** Whether {@code s} can be a {@link Uri} operand. */
    static boolean isValid(String s) {
        int n = s.length();
        if (n == 0 || !Names.isAsciiLetter(s.charAt(0))) {
            return false;
        }
        int colon = -1;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!isUriChar(c)) {
                return false;
            }
            if (colon < 0) {
                if (c == ':') {
                    colon = i;
                } else if (!(Names.isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
                    return false;
                }
            }
        }
        return colon > 0 && colon < n - 1;
    }

    /** Whether {@code c} can occur in an unquoted URI operand (it does not end the operand). */
    static boolean isUriChar(char c) {
        if (c <= ' ' || c == 0x7f) {
            return false;
        }
        return switch (c) {
            case ';', '|', '(', ')', ',', '"', '\\', '<', '>', '{', '}', '^', '`' -> false;
            default -> true;
        };
    }

    @Override
    public String toString() {
        return value;
    }
}
