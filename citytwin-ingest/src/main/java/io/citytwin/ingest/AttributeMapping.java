package io.citytwin.ingest;

import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How one device field becomes one twin attribute (a Property): which field, which attribute, its unit, a linear
 * transform {@code value * scale + offset} for numbers, and the type to convert to. Immutable.
 *
 * @param deviceField the field name in a {@link Reading}, a dotted path for nested JSON (e.g. {@code env.t})
 * @param attribute the target attribute name, an expanded IRI (e.g. {@code https://smartdatamodels.org/temperature})
 * @param unitCode the UN/CEFACT unit code set on the Property (e.g. {@code CEL}), or null for none
 * @param scale the factor applied to numeric values; finite and not 0 (1 = unchanged)
 * @param offset the addend applied to numeric values after scaling; finite (0 = unchanged)
 * @param type the type the value is converted to
 */
public record AttributeMapping(
        String deviceField, String attribute, @Nullable String unitCode, double scale, double offset, ValueType type) {

    /**
     * Validates the mapping.
     *
     * @throws TwinException BadRequestData ({@code ingest.mapping.invalid}) for an empty field, an attribute that is
     *     not an absolute IRI, an empty unit code, or a scale/offset that is not finite (or a zero scale)
     */
    public AttributeMapping {
        if (deviceField.isEmpty()) {
            throw invalid("deviceField must not be empty");
        }
        if (attribute.indexOf(':') <= 0 || hasWhitespace(attribute)) {
            throw invalid("attribute must be an expanded IRI: '" + attribute + "'");
        }
        if (unitCode != null && (unitCode.isEmpty() || hasWhitespace(unitCode))) {
            throw invalid("unitCode must be a non-empty code without spaces: '" + unitCode + "'");
        }
        if (!Double.isFinite(scale) || scale == 0) {
            throw invalid("scale must be finite and not 0: " + scale);
        }
        if (!Double.isFinite(offset)) {
            throw invalid("offset must be finite: " + offset);
        }
    }

    /** A mapping of {@code deviceField} to {@code attribute} with type {@link ValueType#AUTO}, no unit, no scaling. */
    public static AttributeMapping of(String deviceField, String attribute) {
        return new AttributeMapping(deviceField, attribute, null, 1, 0, ValueType.AUTO);
    }

    /** This mapping with another target type. */
    public AttributeMapping withType(ValueType newType) {
        return new AttributeMapping(deviceField, attribute, unitCode, scale, offset, newType);
    }

    /** This mapping with a unit code. */
    public AttributeMapping withUnitCode(String newUnitCode) {
        return new AttributeMapping(deviceField, attribute, newUnitCode, scale, offset, type);
    }

    /** This mapping with a linear transform {@code value * newScale + newOffset}. */
    public AttributeMapping withScale(double newScale, double newOffset) {
        return new AttributeMapping(deviceField, attribute, unitCode, newScale, newOffset, type);
    }

    private boolean identity() {
        return scale == 1 && offset == 0;
    }

    /**
     * Converts the device value {@code raw} (in the {@link Json} shape) as this mapping says.
     *
     * @param field the field name, for the problem text
     * @param problems where a problem is added when conversion fails
     * @return the attribute value, or null after adding a problem
     */
    @Nullable
    Object convert(String field, Object raw, List<String> problems) {
        return convert(field, raw, type, scale, offset, identity(), problems);
    }

    static @Nullable Object convert(
            String field,
            Object raw,
            ValueType type,
            double scale,
            double offset,
            boolean identity,
            List<String> problems) {
        if (raw instanceof Json.Null) {
            problems.add("field " + field + ": null value");
            return null;
        }
        switch (type) {
            case NUMBER, AUTO -> {
                Object n = number(raw);
                if (n == null) {
                    if (type == ValueType.AUTO) {
                        return raw;
                    }
                    problems.add("field " + field + ": " + show(raw) + " is not a number");
                    return null;
                }
                if (identity) {
                    return n;
                }
                double d = ((Number) n).doubleValue() * scale + offset;
                if (!Double.isFinite(d)) {
                    problems.add("field " + field + ": " + show(raw) + " scaled is out of range");
                    return null;
                }
                return d;
            }
            case INTEGER -> {
                Object n = number(raw);
                if (n == null) {
                    problems.add("field " + field + ": " + show(raw) + " is not a number");
                    return null;
                }
                if (identity && n instanceof Long) {
                    return n;
                }
                double d = ((Number) n).doubleValue() * scale + offset;
                // 2^63: the first double that no long can hold
                if (!Double.isFinite(d) || Math.abs(d) >= 0x1p63) {
                    problems.add("field " + field + ": " + show(raw) + " is out of integer range");
                    return null;
                }
                return Math.round(d);
            }
            case BOOLEAN -> {
                Object b = bool(raw);
                if (b == null) {
                    problems.add("field " + field + ": " + show(raw) + " is not a boolean");
                }
                return b;
            }
            case STRING -> {
                if (raw instanceof String || raw instanceof Long || raw instanceof Boolean) {
                    return raw.toString();
                }
                if (raw instanceof Double d) {
                    return d.toString();
                }
                problems.add("field " + field + ": " + show(raw) + " is not a scalar");
                return null;
            }
            case DATETIME -> {
                Instant t = null;
                if (raw instanceof String s) {
                    t = IsoTimes.parseDateTime(s);
                } else if (raw instanceof Long l) {
                    t = IsoTimes.ofEpochMilli(l);
                }
                if (t == null) {
                    problems.add("field " + field + ": " + show(raw) + " is not an ISO 8601 dateTime");
                    return null;
                }
                return t.toString();
            }
            case JSON -> {
                return raw;
            }
        }
        throw new AssertionError(type);
    }

    private static @Nullable Object number(Object raw) {
        if (raw instanceof Long || raw instanceof Double) {
            return raw;
        }
        if (raw instanceof String s) {
            return Scalars.number(s);
        }
        return null;
    }

    private static @Nullable Boolean bool(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        if (raw instanceof Long l) {
            return l == 1 ? Boolean.TRUE : l == 0 ? Boolean.FALSE : null;
        }
        if (raw instanceof String s) {
            String t = s.toLowerCase(Locale.ROOT);
            return switch (t) {
                case "true", "1" -> Boolean.TRUE;
                case "false", "0" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    /** A short rendering of a device value for problem texts. */
    static String show(Object raw) {
        if (raw instanceof String s) {
            return "'" + JsonPayloadDecoder.abbreviate(s) + "'";
        }
        if (raw instanceof List<?>) {
            return "a list";
        }
        if (raw instanceof Map<?, ?>) {
            return "an object";
        }
        return raw.toString();
    }

    private static boolean hasWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i)) || Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static TwinException invalid(String detail) {
        return TwinException.badData("ingest.mapping.invalid", detail);
    }
}
