package io.citytwin.device;

/** The type a device field's value is converted to before it becomes a twin attribute value. */
public enum ValueType {
    /** Keep the type the payload gives (a JSON number stays a number; compact text numbers become numbers). */
    AUTO,
    /** A floating-point number; scale and offset apply. */
    NUMBER,
    /** A whole number (after scale and offset, rounded half-up); scale and offset apply. */
    INTEGER,
    /** {@code true}/{@code false} (also {@code 1}/{@code 0}). */
    BOOLEAN,
    /** Text, unchanged. */
    STRING,
    /** An ISO 8601 date-time, stored as an NGSI-LD {@code DateTime} value. */
    DATETIME,
    /** Any JSON value, unchanged (JSON payloads only). */
    JSON
}
