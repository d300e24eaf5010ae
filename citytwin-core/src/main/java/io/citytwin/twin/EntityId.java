package io.citytwin.twin;

/**
 * The id of an entity: an absolute URI (NGSI-LD clause 4.5.1), typically {@code urn:ngsi-ld:Type:local-id}.
 *
 * @param value a URI with a scheme, no whitespace or control characters, at most 1024 characters
 */
public record EntityId(String value) implements Comparable<EntityId> {
    public static final int MAX_LENGTH = 1024;

    public EntityId {
        if (!isValid(value)) {
            throw TwinException.badData("entity.id-invalid", "Entity id is not a valid URI: '" + value + "'");
        }
    }

    /** Validates {@code value} as an entity id without allocating an exception. */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        char c0 = value.charAt(0);
        if (!isAlpha(c0)) {
            return false;
        }
        int colon = -1;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' || c == '{' || c == '}'
                    || c == '|' || c == '^' || c == '`') {
                return false;
            }
            if (colon < 0) {
                if (c == ':') {
                    colon = i;
                } else if (!(isAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
                    return false;
                }
            }
        }
        return colon > 0 && colon < value.length() - 1;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    public static EntityId of(String value) {
        return new EntityId(value);
    }

    @Override
    public int compareTo(EntityId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
