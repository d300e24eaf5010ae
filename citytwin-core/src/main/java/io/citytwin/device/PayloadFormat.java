package io.citytwin.device;

/** How a device encodes the payloads it sends. */
public enum PayloadFormat {
    /** A JSON object whose members are the device fields, e.g. {@code {"t": 21.5, "h": 40}}. */
    JSON,
    /** A compact text line of {@code field|value} pairs separated by {@code |}, e.g. {@code t|21.5|h|40}. */
    COMPACT_TEXT
}
