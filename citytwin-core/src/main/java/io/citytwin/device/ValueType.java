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
    JSON,
    /**
     * A position, stored as a GeoProperty holding a GeoJSON Point (RFC 7946): the field is {@code [lon, lat]} or
     * {@code [lon, lat, alt]} (GeoJSON order), an object {@code {"lat": .., "lon": ..}} (also {@code lng}, {@code
     * longitude}, {@code latitude}, {@code alt}), or a GeoJSON Point object. Written {@code "geo:point"} in the
     * device API; scale and offset do not apply. JSON payloads only.
     */
    GEO_POINT;

    /** The name in the device API: lower case ({@code number}), {@code geo:point} for {@link #GEO_POINT}. */
    public String label() {
        return this == GEO_POINT ? "geo:point" : name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The type named {@code text}: a {@link #label()} or an enum name, in any case.
     *
     * @throws IllegalArgumentException when no type has that name
     */
    public static ValueType parse(String text) {
        String t = text.strip().toUpperCase(java.util.Locale.ROOT);
        if (t.equals("GEO:POINT")) {
            return GEO_POINT;
        }
        return valueOf(t);
    }
}
