package io.citytwin.rule;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.Map;

/**
 * What an {@link Outcome.Emit} outcome tells the {@link RuleEventListener}s.
 *
 * @param rule the rule id
 * @param event the event name of the outcome
 * @param tenant the tenant
 * @param entity the entity the condition holds (or stopped holding) for
 * @param started true when the condition started to hold, false when it ended
 * @param at event time
 * @param values the values the condition looked at
 */
public record RuleEvent(
        String rule,
        String event,
        TenantId tenant,
        EntityId entity,
        boolean started,
        Instant at,
        Map<String, Object> values) {
    public RuleEvent {
        values = Map.copyOf(values);
    }
}
