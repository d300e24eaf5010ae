package io.citytwin.alarm;

/**
 * Told about every durable change of an alarm (raised, repeated, acknowledged, cleared), with the alarm after the
 * change. Called on the thread that made the change, after the store has it: must be quick and must not throw (the
 * live feed hands the alarm to its own queue).
 */
@FunctionalInterface
public interface AlarmListener {
    /** @param alarm the alarm after the change */
    void changed(Alarm alarm);
}
