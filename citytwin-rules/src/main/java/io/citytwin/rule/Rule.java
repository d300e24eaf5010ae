package io.citytwin.rule;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A rule, as data: immutable; a change is a new version.
 *
 * @param id the stable id, e.g. {@code lighting.lamp-failure} (letters, digits, {@code . _ -})
 * @param version increases with every change of the definition (1 for the first)
 * @param name a short human name
 * @param description what it detects and why
 * @param enabled whether the engine evaluates it
 * @param domain the operations domain ({@code lighting}, {@code traffic}, ...)
 * @param scope the entities it applies to
 * @param condition when it fires
 * @param clearCondition when it stops holding once fired, or null for "when the condition no longer holds"
 * @param outcomes what it does
 * @param grace how late (in event time) a sample may arrive and still count in windows and detectors
 * @param source the definition as given (YAML/JSON tree), for the API
 */
public record Rule(
        String id,
        int version,
        String name,
        String description,
        boolean enabled,
        String domain,
        Scope scope,
        Condition condition,
        @Nullable Condition clearCondition,
        List<Outcome> outcomes,
        Duration grace,
        Map<String, Object> source) {

    public Rule {
        Objects.requireNonNull(id);
        Objects.requireNonNull(name);
        Objects.requireNonNull(description);
        Objects.requireNonNull(domain);
        Objects.requireNonNull(scope);
        Objects.requireNonNull(condition);
        Objects.requireNonNull(grace);
        outcomes = List.copyOf(outcomes);
        source = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(source));
        if (version < 1) {
            throw new IllegalArgumentException("version must be positive");
        }
    }

    /** This rule with another version number (its source's {@code version} updated too). */
    public Rule withVersion(int v) {
        Map<String, Object> s = new java.util.LinkedHashMap<>(source);
        s.put("version", v);
        return new Rule(
                id, v, name, description, enabled, domain, scope, condition, clearCondition, outcomes, grace, s);
    }
}
