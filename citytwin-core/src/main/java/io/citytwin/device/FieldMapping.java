package io.citytwin.device;

import io.citytwin.twin.TwinException;
import org.jspecify.annotations.Nullable;

/**
 * How one field of a device payload becomes a twin attribute: {@code attribute = value * scale + offset} (numbers
 * only), converted to {@code type}, with {@code unitCode} as the NGSI-LD {@code unitCode}.
 *
 * @param deviceField the name of the field in the payload, 1 to 256 characters without control characters
 * @param attribute the twin attribute name, 1 to 256 characters without whitespace, control characters or {@code
 *     < > " ' = ; ( ) &}
 * @param unitCode the UN/CEFACT unit code (e.g. {@code CEL}), 1 to 16 letters or digits, or null for none
 * @param scale the factor applied to numeric values, finite and non-zero (1 for none)
 * @param offset the value added after scaling, finite (0 for none)
 * @param type the target type
 * @param command whether the attribute is also a command to the device: when anyone but the device changes it, the
 *     platform sends the new value down to the device (see {@code io.citytwin.command})
 */
public record FieldMapping(
        String deviceField,
        String attribute,
        @Nullable String unitCode,
        double scale,
        double offset,
        ValueType type,
        boolean command) {
    public static final int MAX_NAME_LENGTH = 256;

    public FieldMapping {
        if (deviceField == null
                || deviceField.isEmpty()
                || deviceField.length() > MAX_NAME_LENGTH
                || hasControl(deviceField)) {
            throw TwinException.badData(
                    "device.mapping-field-invalid",
                    "A mapped device field must have 1 to 256 characters without control characters");
        }
        if (!isValidAttributeName(attribute)) {
            throw TwinException.badData(
                    "device.mapping-attribute-invalid",
                    "Invalid attribute name '" + attribute + "' in the mapping of device field '" + deviceField + "'");
        }
        if (unitCode != null && !isValidUnitCode(unitCode)) {
            throw TwinException.badData(
                    "device.mapping-unit-invalid",
                    "Invalid unit code '" + unitCode + "': use 1-16 letters or digits (UN/CEFACT common code)");
        }
        if (!Double.isFinite(scale) || scale == 0.0) {
            throw TwinException.badData(
                    "device.mapping-scale-invalid",
                    "The scale of device field '" + deviceField + "' must be finite and non-zero");
        }
        if (!Double.isFinite(offset)) {
            throw TwinException.badData(
                    "device.mapping-offset-invalid", "The offset of device field '" + deviceField + "' must be finite");
        }
        if (type == null) {
            throw TwinException.badData(
                    "device.mapping-type-invalid", "The type of device field '" + deviceField + "' is missing");
        }
    }

    /** A mapping that is not a command. */
    public FieldMapping(
            String deviceField,
            String attribute,
            @Nullable String unitCode,
            double scale,
            double offset,
            ValueType type) {
        this(deviceField, attribute, unitCode, scale, offset, type, false);
    }

    /** A mapping without unit, scale 1, offset 0 and type {@link ValueType#AUTO}. */
    public FieldMapping(String deviceField, String attribute) {
        this(deviceField, attribute, null, 1.0, 0.0, ValueType.AUTO);
    }

    /** Whether values are transformed ({@code scale != 1} or {@code offset != 0}). */
    public boolean transforms() {
        return scale != 1.0 || offset != 0.0;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /* NGSI-LD clause 4.6.2 forbids these characters in attribute names (and they would break queries). */
    /** This mapping with another target type. */
    public FieldMapping withType(ValueType newType) {
        return new FieldMapping(deviceField, attribute, unitCode, scale, offset, newType, command);
    }

    /** This mapping with a unit code. */
    public FieldMapping withUnitCode(String newUnitCode) {
        return new FieldMapping(deviceField, attribute, newUnitCode, scale, offset, type, command);
    }

    /** This mapping, declared a command attribute or not. */
    public FieldMapping withCommand(boolean isCommand) {
        return new FieldMapping(deviceField, attribute, unitCode, scale, offset, type, isCommand);
    }

    /**
     * The device-side value of a twin value: the inverse of the linear transform for numbers ({@code (value - offset)
     * / scale}, a whole number (within rounding error) as a {@code Long}), anything else unchanged. Used to send commands in the device's
     * units.
     */
    public Object toDevice(Object value) {
        if (!transforms() || !(value instanceof Number n)) {
            return value;
        }
        double d = (n.doubleValue() - offset) / scale;
        double whole = Math.rint(d);
        // 0.3 / 0.01 is 29.999999999999996 in binary floating point: within a few ulps of a whole number is whole
        if (Math.abs(d - whole) <= 1e-9 * Math.max(1.0, Math.abs(d)) && Math.abs(whole) < 9.0e15) {
            return (long) whole;
        }
        return d;
    }

    /** This mapping with a linear transform {@code value * newScale + newOffset}. */
    public FieldMapping withScale(double newScale, double newOffset) {
        return new FieldMapping(deviceField, attribute, unitCode, newScale, newOffset, type, command);
    }

    private static boolean isValidAttributeName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || Character.isISOControl(c) || Character.isWhitespace(c) || "<>\"'=;()&".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidUnitCode(String code) {
        if (code.isEmpty() || code.length() > 16) {
            return false;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
