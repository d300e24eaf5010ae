package io.citytwin.device;

import io.citytwin.twin.TwinException;

/**
 * The id of a device, unique within its tenant.
 *
 * @param value 1 to 128 characters of ASCII letters, digits, {@code _ - . :}
 */
public record DeviceId(String value) implements Comparable<DeviceId> {
    public static final int MAX_LENGTH = 128;

    public DeviceId {
        if (!isValid(value)) {
            throw TwinException.badData(
                    "device.id-invalid",
                    "Invalid device id '" + value + "': use 1-128 letters, digits, '_', '-', '.' or ':'");
        }
    }

    /** The device id {@code value}; same as the constructor. */
    public static DeviceId of(String value) {
        return new DeviceId(value);
    }

    /** Validates {@code value} as a device id without allocating an exception (no regex: called per message). */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '-'
                    || c == '.'
                    || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(DeviceId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
