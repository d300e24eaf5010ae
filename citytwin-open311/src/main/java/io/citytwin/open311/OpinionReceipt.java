package io.citytwin.open311;

import java.util.Objects;

/**
 * The answer to a posted opinion.
 *
 * @param id the opinion's id
 * @param incident the incident it opened or joined, or "" when none (yet)
 */
public record OpinionReceipt(String id, String incident) {
    public OpinionReceipt {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("An opinion receipt needs an id");
        }
        Objects.requireNonNull(incident);
    }
}
