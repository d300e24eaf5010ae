package io.citytwin.alarm;

import io.citytwin.twin.TwinException;
import java.util.Locale;

/** How bad an alarm is, in the order of ITU-T X.733 perceived severity (most severe first). */
public enum Severity {
    CRITICAL,
    MAJOR,
    MINOR,
    WARNING,
    INDETERMINATE;

    /** The lower-case name used in JSON, rule files and the API, e.g. {@code critical}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The severity named {@code label} (case-insensitive).
     *
     * @throws TwinException BadRequestData {@code alarm.severity} when there is no such severity
     */
    public static Severity of(String label) {
        for (Severity s : values()) {
            if (s.label().equalsIgnoreCase(label)) {
                return s;
            }
        }
        throw TwinException.badData(
                "alarm.severity",
                "Unknown severity '" + label + "'; expected critical, major, minor, warning or indeterminate");
    }
}
