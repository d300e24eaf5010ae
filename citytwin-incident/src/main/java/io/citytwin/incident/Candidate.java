package io.citytwin.incident;

import java.time.Instant;
import java.util.Objects;

/**
 * A report or incident as {@link DuplicateScorer} sees it (contract C).
 *
 * @param text its text
 * @param language {@code en}, {@code de}, {@code zh} or {@code ""}
 * @param category its category label
 * @param lon longitude
 * @param lat latitude
 * @param at when it was reported
 */
public record Candidate(String text, String language, String category, double lon, double lat, Instant at) {
    public Candidate {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(at, "at");
    }
}
