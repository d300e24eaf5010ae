package io.citytwin.incident;

import java.util.Objects;

/**
 * What a {@link ReportClassifier} says about a text (contract C).
 *
 * @param category a category label of contract A ({@code streetlight}, ...)
 * @param confidence 0..1
 * @param language {@code en}, {@code de}, {@code zh}, or {@code ""} when unknown
 */
public record Classification(String category, double confidence, String language) {
    public Classification {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(language, "language");
    }
}
