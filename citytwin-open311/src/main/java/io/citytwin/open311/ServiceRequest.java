package io.citytwin.open311;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A service request as the desk knows it (GeoReport v2 "GET Service Request(s)"). Absent text fields are {@code ""}.
 *
 * @param id the {@code service_request_id}
 * @param status open or closed
 * @param statusNotes why the status is what it is ("" when nothing to say)
 * @param serviceName the service's name
 * @param serviceCode the service's code
 * @param description the report
 * @param agencyResponsible the department handling it
 * @param serviceNotice what will happen next
 * @param requestedAt when it was reported
 * @param updatedAt when it last changed (for a closed request: when it was closed)
 * @param expectedAt when it should be done (SLA), or null
 * @param address the address, most specific first
 * @param addressId the jurisdiction's address id
 * @param zipcode the postal code
 * @param location the position, or null when only an address is known
 * @param mediaUrl a link to media
 */
public record ServiceRequest(
        String id,
        Status status,
        String statusNotes,
        String serviceName,
        String serviceCode,
        String description,
        String agencyResponsible,
        String serviceNotice,
        Instant requestedAt,
        Instant updatedAt,
        @Nullable Instant expectedAt,
        String address,
        String addressId,
        String zipcode,
        @Nullable GeoPoint location,
        String mediaUrl) {
    public ServiceRequest {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("A service request needs an id");
        }
        Objects.requireNonNull(status);
        Objects.requireNonNull(statusNotes);
        Objects.requireNonNull(serviceName);
        Objects.requireNonNull(serviceCode);
        Objects.requireNonNull(description);
        Objects.requireNonNull(agencyResponsible);
        Objects.requireNonNull(serviceNotice);
        Objects.requireNonNull(requestedAt);
        Objects.requireNonNull(updatedAt);
        Objects.requireNonNull(address);
        Objects.requireNonNull(addressId);
        Objects.requireNonNull(zipcode);
        Objects.requireNonNull(mediaUrl);
    }

    /** The spec's two statuses. */
    public enum Status {
        OPEN,
        CLOSED;

        /** {@code open} or {@code closed}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status named {@code s} (case-insensitive). */
        public static Status parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "open" -> OPEN;
                case "closed" -> CLOSED;
                default ->
                    throw Open311Exception.badRequest(
                            "open311.status", "status must be open or closed, got '" + s + "'");
            };
        }
    }
}
