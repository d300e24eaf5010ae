package io.citytwin.open311;

import java.time.Instant;
import java.util.Objects;

/**
 * An opinion as the desk keeps it.
 *
 * @param id its id
 * @param opinion what was posted
 * @param receivedAt when the desk received it
 * @param incident the incident it opened or joined, or ""
 */
public record PostedOpinion(String id, Opinion opinion, Instant receivedAt, String incident) {
    public PostedOpinion {
        Objects.requireNonNull(id);
        Objects.requireNonNull(opinion);
        Objects.requireNonNull(receivedAt);
        Objects.requireNonNull(incident);
    }
}
