package io.citytwin.sim;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A simulated device: the thing it measures, how often it reports, and how its payload fields map to the twin
 * entity's attributes (what the device registry needs to provision it).
 *
 * @param id the device id in the registry (the entity id's local part, e.g. {@code Streetlight-h0-0-1})
 * @param entityId the twin entity the device feeds
 * @param entityType that entity's type
 * @param token the device's access token (derived from the seed, so a re-run provisions the same credentials)
 * @param period how often the device reports (simulated time)
 * @param fields payload field to attribute mappings, in payload order
 */
public record SimDevice(
        String id, String entityId, String entityType, String token, Duration period, List<Field> fields) {
    public SimDevice {
        Objects.requireNonNull(id);
        Objects.requireNonNull(entityId);
        Objects.requireNonNull(entityType);
        Objects.requireNonNull(token);
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("A device must report at a positive period");
        }
        fields = List.copyOf(fields);
    }

    /**
     * One payload field and the attribute it becomes.
     *
     * @param name the field in the payload
     * @param attribute the twin attribute (a term)
     * @param unitCode UN/CEFACT unit code, or empty
     * @param type the device API's field type ({@code geo:point} for a position), or empty for the default
     */
    public record Field(String name, String attribute, String unitCode, String type) {
        /** A field of the default type. */
        public Field(String name, String attribute, String unitCode) {
            this(name, attribute, unitCode, "");
        }
    }
}
