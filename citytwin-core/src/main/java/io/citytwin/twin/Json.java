package io.citytwin.twin;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The framework-free JSON value model of the core: {@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@link #NULL}, unmodifiable {@code List<Object>} and unmodifiable insertion-ordered {@code Map<String, Object>}.
 *
 * <p>Adapters parse JSON into plain Java collections and pass them through {@link #freeze(Object)}, which copies
 * them into this canonical, immutable and therefore thread-safe shape. Numbers are kept as {@code Long} when they
 * are integral and fit, otherwise as {@code Double}, so that comparisons in the query language have two cases only.
 */
public final class Json {
    /** JSON {@code null}, which Java collections in the model never hold as a Java null. */
    public enum Null {
        NULL;

        @Override
        public String toString() {
            return "null";
        }
    }

    public static final Null NULL = Null.NULL;

    private Json() {}

    /**
     * Deep-copies {@code value} into the canonical immutable shape.
     *
     * @throws TwinException BadRequestData for a value that is not JSON (e.g. an arbitrary object)
     */
    public static Object freeze(Object value) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof String
                || value instanceof Boolean
                || value instanceof Long
                || value instanceof Double
                || value instanceof Null) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
        }
        if (value instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                return d.doubleValue();
            }
        }
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return Map.of();
            }
            LinkedHashMap<String, Object> copy = LinkedHashMap.newLinkedHashMap(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                copy.put(String.valueOf(e.getKey()), freeze(e.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            if (l.isEmpty()) {
                return List.of();
            }
            ArrayList<Object> copy = new ArrayList<>(l.size());
            for (Object o : l) {
                copy.add(freeze(o));
            }
            return Collections.unmodifiableList(copy);
        }
        throw TwinException.badData(
                "json.unsupported", "Not a JSON value: " + value.getClass().getSimpleName());
    }
}
