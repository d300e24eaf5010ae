package io.citytwin.ingest;

/**
 * The type a device field is converted to before it becomes an attribute value (see {@link AttributeMapping}).
 * Scale and offset apply to {@link #NUMBER}, {@link #INTEGER} and numeric {@link #AUTO} values only.
 */
public enum ValueType {
    /**
     * A JSON number: numbers, and strings that spell a JSON number, are accepted. Unscaled values keep their {@code
     * Long}/{@code Double} form; scaled values ({@code scale != 1} or {@code offset != 0}) are {@code Double}s.
     */
    NUMBER,
    /** A {@code Long}: like {@link #NUMBER}, then rounded half up to the nearest integer; must fit a long. */
    INTEGER,
    /** A {@code Boolean}: booleans, the strings {@code true}/{@code false} (any case), {@code 1}/{@code 0}. */
    BOOLEAN,
    /** A {@code String}: strings as they are, numbers and booleans as their JSON text; no lists or objects. */
    STRING,
    /**
     * An ISO 8601 dateTime, stored as its canonical UTC text ({@link java.time.Instant#toString()}): ISO 8601
     * strings and integral epoch milliseconds are accepted.
     */
    DATETIME,
    /** Any JSON value (also lists and objects), kept as it is. */
    JSON,
    /** Whatever the payload gave: numbers are scaled as for {@link #NUMBER}, other values kept as they are. */
    AUTO
}
