package io.citytwin.ingest;

/** What a device payload carries: measurements (telemetry) or static attributes. */
public enum Channel {
    /** Measurements: every attribute gets {@code observedAt} (the device's timestamp, or the receive time). */
    TELEMETRY,
    /** Static attributes (firmware version, location, ...): written without {@code observedAt}. */
    ATTRS
}
