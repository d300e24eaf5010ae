package io.citytwin.rule;

import io.citytwin.alarm.Severity;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What a rule does when its condition starts (and, for some outcomes, when it ends) to hold for an entity. */
public sealed interface Outcome permits Outcome.RaiseAlarm, Outcome.SetAttribute, Outcome.Emit {

    /**
     * Raises an alarm about the entity (or about the entity its relationship {@code via} points to) when the condition
     * starts to hold; with {@code autoClear} the rule clears it when the condition ends.
     *
     * @param type the alarm type, {@code <domain>.<name>}
     * @param severity its severity
     * @param description a template: {@code {id}}, {@code {type}} and the names of the values in the trace (e.g.
     *     {@code {powerConsumption}}, {@code {value}}) are replaced
     * @param autoClear whether the rule clears the alarm when its condition ends
     * @param via the expanded name of a Relationship of the entity whose target is the alarm's originator, or null
     */
    record RaiseAlarm(String type, Severity severity, String description, boolean autoClear, @Nullable String via)
            implements Outcome {
        public RaiseAlarm {
            Objects.requireNonNull(type);
            Objects.requireNonNull(severity);
            Objects.requireNonNull(description);
        }
    }

    /**
     * Sets a derived attribute (a Property) on the entity: {@code value} when the condition starts to hold, {@code
     * clearValue} when it ends (nothing when null). The value {@code "$value"} writes the rule's computed value (the
     * last aggregate or reading).
     *
     * @param attribute the expanded attribute name
     */
    record SetAttribute(String attribute, Object value, @Nullable Object clearValue) implements Outcome {
        public SetAttribute {
            Objects.requireNonNull(attribute);
            Objects.requireNonNull(value);
        }
    }

    /** Tells the {@link RuleEventListener}s (e.g. incident management) when the condition starts and ends. */
    record Emit(String event) implements Outcome {
        public Emit {
            Objects.requireNonNull(event);
        }
    }
}
