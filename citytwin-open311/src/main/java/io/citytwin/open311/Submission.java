package io.citytwin.open311;

import java.util.Objects;

/**
 * What a desk answers to a submission: the new {@code service_request_id} (realtime services), or a {@code token} to
 * look the id up later (batch services), or neither (blackbox services); never both.
 *
 * @param serviceRequestId the new request's id, or ""
 * @param token the token, or ""
 * @param serviceNotice what will happen next, or ""
 * @param accountId the reporter's account, or ""
 */
public record Submission(String serviceRequestId, String token, String serviceNotice, String accountId) {
    public Submission {
        Objects.requireNonNull(serviceRequestId);
        Objects.requireNonNull(token);
        Objects.requireNonNull(serviceNotice);
        Objects.requireNonNull(accountId);
        if (!serviceRequestId.isEmpty() && !token.isEmpty()) {
            throw new IllegalArgumentException("A submission returns a service_request_id or a token, not both");
        }
    }

    /** A request created at once. */
    public static Submission created(String serviceRequestId, String serviceNotice) {
        if (serviceRequestId.isEmpty()) {
            throw new IllegalArgumentException("A created request needs its id");
        }
        return new Submission(serviceRequestId, "", serviceNotice, "");
    }

    /** A request queued under a token. */
    public static Submission queued(String token, String serviceNotice) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException("A queued request needs its token");
        }
        return new Submission("", token, serviceNotice, "");
    }
}
