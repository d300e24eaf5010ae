package io.citytwin.twin.query;

/**
 * Lexical rules for attribute names in {@code q} paths, shared by the parser and by {@link AttrPath} validation so
 * that every valid path prints to text that parses back to the same path.
 *
 * <p>Two forms of name (ETSI GS CIM 009 v1.8, clause 4.9, {@code AttrName}, widened for compact IRIs):
 *
 * <ul>
 *   <li><b>compact</b>: one or more of {@code A-Z a-z 0-9 _ : / # -}, e.g. {@code temperature}, {@code ex:speed};
 *   <li><b>full IRI</b>: a name starting with a scheme and {@code ://} ({@code [A-Za-z][A-Za-z0-9+-]*://}), e.g.
 *       {@code https://smartdatamodels.org/dataModel.Lighting/lanternHeight}. It runs until a q delimiter ({@code [ ] (
 *       ) { } < > = ! ~ ; | , " ' \ ^ `}, whitespace, control characters) and may contain dots. A dot inside it is a
 *       path separator only when what follows is another full IRI or one of the metadata members ({@code
 *       observedAt createdAt modifiedAt unitCode datasetId}) not followed by a compact-name character. Consequently a
 *       sub-attribute of a full-IRI attribute must itself be written as a full IRI (or be a metadata member).
 * </ul>
 */
final class Names {
    /** The metadata members that may follow an attribute in a path; never expanded by {@code mapNames}. */
    static final String[] META = {"observedAt", "createdAt", "modifiedAt", "unitCode", "datasetId"};

    static final int OBSERVED_AT = 0;
    static final int CREATED_AT = 1;
    static final int MODIFIED_AT = 2;
    static final int UNIT_CODE = 3;
    static final int DATASET_ID = 4;

    private Names() {}

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isCompactChar(char c) {
        return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '/' || c == '#' || c == '-';
    }

    static boolean isIriChar(char c) {
        if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
            return false;
        }
        return switch (c) {
            case '[', ']', '(', ')', '{', '}', '<', '>', '=', '!', '~', ';', '|', ',', '"', '\'', '\\', '^', '`' ->
                false;
            default -> true;
        };
    }

    /** The index just after {@code scheme://} when a full IRI starts at {@code i}, else -1. */
    static int iriStart(String s, int i) {
        int n = s.length();
        if (i >= n || !isAsciiLetter(s.charAt(i))) {
            return -1;
        }
        int j = i + 1;
        while (j < n) {
            char c = s.charAt(j);
            if (isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-') {
                j++;
            } else {
                break;
            }
        }
        return s.startsWith("://", j) ? j + 3 : -1;
    }

    /** Index of the metadata member named {@code name}, or -1. */
    static int metaIndex(String name) {
        for (int i = 0; i < META.length; i++) {
            if (META[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the dot at {@code dot} inside a full IRI name separates path segments. */
    private static boolean isSplit(String s, int dot) {
        int k = dot + 1;
        if (iriStart(s, k) >= 0) {
            return true;
        }
        for (String m : META) {
            if (s.startsWith(m, k)) {
                int after = k + m.length();
                if (after == s.length() || !isCompactChar(s.charAt(after))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The end of the name segment starting at {@code i} ({@code i} itself when there is none). */
    static int scanName(String s, int i) {
        int n = s.length();
        int j = iriStart(s, i);
        if (j >= 0) {
            while (j < n) {
                char c = s.charAt(j);
                if (c == '.') {
                    if (isSplit(s, j)) {
                        break;
                    }
                    j++;
                } else if (isIriChar(c)) {
                    j++;
                } else {
                    break;
                }
            }
            return j;
        }
        j = i;
        while (j < n && isCompactChar(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** Whether {@code name} is a full IRI name (as opposed to a compact one). */
    static boolean isIri(String name) {
        return iriStart(name, 0) >= 0;
    }

    /** Whether {@code name} is a valid name segment on its own. */
    static boolean isValidName(String name) {
        return !name.isEmpty() && scanName(name, 0) == name.length();
    }

    /** Whether {@code key} is valid inside {@code [...]}: non-empty, no brackets, no control characters. */
    static boolean isValidKey(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '[' || c == ']' || c < ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
