package io.citytwin.open311;

import java.util.Objects;

/**
 * What a token stands for (GeoReport v2 "GET service_request_id from a token").
 *
 * @param token the token
 * @param serviceRequestId the request created for it, or "" while it is still queued
 */
public record TokenLookup(String token, String serviceRequestId) {
    public TokenLookup {
        Objects.requireNonNull(token);
        Objects.requireNonNull(serviceRequestId);
    }
}
