package io.citytwin.triage;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link TextClassifier#classify} says about a text.
 *
 * @param category the most probable category (contract A)
 * @param confidence its posterior probability, 0..1
 * @param language the language the text was analysed as (the hint if it was en, de or zh, else detected)
 * @param scores the posterior probability of every category (sums to 1)
 * @param type the most probable request type (enquiry, help-request, complaint, violation-report, suggestion,
 *     public-opinion); less accurate than the category, see docs/triage.md
 * @param typeConfidence its posterior probability, 0..1
 */
public record Prediction(
        String category,
        double confidence,
        String language,
        Map<String, Double> scores,
        String type,
        double typeConfidence) {
    public Prediction {
        Objects.requireNonNull(category);
        Objects.requireNonNull(language);
        Objects.requireNonNull(type);
        scores = Map.copyOf(scores);
    }

    /** The department the default catalogue (contract A) routes {@link #category()} to. */
    public String defaultDepartment() {
        return Triage.defaultDepartment(category);
    }
}
