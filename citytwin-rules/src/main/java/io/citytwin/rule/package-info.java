/**
 * Streaming rules over the change event log. A {@link io.citytwin.rule.Rule} is data (parsed from YAML/JSON trees by
 * {@link io.citytwin.rule.RuleParser}, versioned, validated with a problem per path): a {@link
 * io.citytwin.rule.Scope} (entity types, id pattern, NGSI-LD {@code q}, geo area), a {@link
 * io.citytwin.rule.Condition} (thresholds with hysteresis, comparisons across attributes and related entities,
 * windows, durations, absence, sequences, anomaly detectors) and {@link io.citytwin.rule.Outcome}s (raise/clear an
 * alarm, set a derived attribute, emit an event). {@link io.citytwin.rule.RuleEngine} is the named consumer that
 * evaluates them with event-time semantics and keeps a trace of why each rule fired.
 */
@NullMarked
package io.citytwin.rule;

import org.jspecify.annotations.NullMarked;
