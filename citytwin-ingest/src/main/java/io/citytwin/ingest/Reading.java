package io.citytwin.ingest;

import io.citytwin.twin.Json;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One set of device field values measured together, immutable and thread-safe.
 *
 * @param fields field values by field name (a dotted path for nested JSON objects), in payload order; values are in
 *     the canonical {@link Json} shape ({@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@link
 *     Json#NULL}, {@code List}, {@code Map})
 * @param timestamp when the device says it measured the values, or null when the payload did not say (the receive
 *     time applies then, see {@link DeviceMapping#apply(Reading, Instant)})
 */
public record Reading(Map<String, Object> fields, @Nullable Instant timestamp) {

    /**
     * Copies {@code fields}, keeping their order, into the canonical immutable {@link Json} shape.
     *
     * @throws io.citytwin.twin.TwinException BadRequestData ({@code json.unsupported}) for a value that is not JSON
     */
    public Reading {
        if (fields.isEmpty()) {
            fields = Map.of();
        } else {
            LinkedHashMap<String, Object> copy = LinkedHashMap.newLinkedHashMap(fields.size());
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                copy.put(Objects.requireNonNull(e.getKey(), "field name"), Json.freeze(e.getValue()));
            }
            fields = Collections.unmodifiableMap(copy);
        }
    }

    /** A reading without a device timestamp. */
    public static Reading of(Map<String, Object> fields) {
        return new Reading(fields, null);
    }

    /** The device timestamp, if the payload carried one. */
    public Optional<Instant> observedAt() {
        return Optional.ofNullable(timestamp);
    }
}
