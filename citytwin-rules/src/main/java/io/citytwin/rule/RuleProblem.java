package io.citytwin.rule;

import java.util.Objects;

/**
 * One thing wrong with a rule definition.
 *
 * @param path where, as a path into the definition: {@code when.all[1].above}, or {@code ""} for the whole
 * @param message what is wrong and what is expected
 */
public record RuleProblem(String path, String message) {
    public RuleProblem {
        Objects.requireNonNull(path);
        Objects.requireNonNull(message);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
