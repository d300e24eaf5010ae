package io.citytwin.open311;

import java.util.List;
import java.util.Objects;

/**
 * One service type a citizen can report (GeoReport v2 "GET Service List").
 *
 * @param code the unique {@code service_code}
 * @param name the human-readable {@code service_name}
 * @param description a brief description
 * @param metadata whether the service has attributes (then clients fetch its {@link ServiceDefinition})
 * @param type how a submission is answered
 * @param keywords tags and synonyms
 * @param group the group the service belongs to, e.g. {@code sanitation}
 */
public record Service(
        String code,
        String name,
        String description,
        boolean metadata,
        Type type,
        List<String> keywords,
        String group) {
    public Service {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("A service needs a code");
        }
        Objects.requireNonNull(name);
        Objects.requireNonNull(description);
        Objects.requireNonNull(type);
        keywords = List.copyOf(keywords);
        Objects.requireNonNull(group);
    }

    /** How a submitted request is answered (the spec's {@code type}). */
    public enum Type {
        /** The service_request_id is returned at once. */
        REALTIME,
        /** A token is returned; the id later through {@code tokens/{token}}. */
        BATCH,
        /** Nothing is returned. */
        BLACKBOX;

        /** The spec's lower-case name. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
