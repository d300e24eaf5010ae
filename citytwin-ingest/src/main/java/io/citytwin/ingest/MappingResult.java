package io.citytwin.ingest;

import io.citytwin.twin.Attribute;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link DeviceMapping#apply(Reading, java.time.Instant)} made of one reading. Immutable.
 *
 * @param attributes the attributes by expanded name, each a one-element list (the default instance), in mapping
 *     order then payload order for passed-through fields; the shape of {@link io.citytwin.twin.Entity} attributes
 * @param problems one human-readable line per field that could not be mapped (e.g. {@code field t: 'abc' is not a
 *     number}), in the order found; empty when all went well
 */
public record MappingResult(Map<String, List<Attribute>> attributes, List<String> problems) {

    /** Copies both, keeping the attribute order. */
    public MappingResult {
        attributes = attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        problems = List.copyOf(problems);
    }

    /** Whether some field could not be mapped. */
    public boolean hasProblems() {
        return !problems.isEmpty();
    }
}
