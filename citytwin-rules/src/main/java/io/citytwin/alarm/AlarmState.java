package io.citytwin.alarm;

import io.citytwin.twin.TwinException;
import java.util.Locale;

/** Where an alarm is in its lifecycle: active, then acknowledged by an operator, then cleared. */
public enum AlarmState {
    ACTIVE,
    ACKNOWLEDGED,
    CLEARED;

    /** The lower-case name used in JSON and the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether an alarm in this state is open (active or acknowledged): it still deduplicates new occurrences. */
    public boolean open() {
        return this != CLEARED;
    }

    /**
     * The state named {@code label} (case-insensitive).
     *
     * @throws TwinException BadRequestData {@code alarm.state} when there is no such state
     */
    public static AlarmState of(String label) {
        for (AlarmState s : values()) {
            if (s.label().equalsIgnoreCase(label)) {
                return s;
            }
        }
        throw TwinException.badData(
                "alarm.state", "Unknown alarm state '" + label + "'; expected active, acknowledged or cleared");
    }
}
