package io.citytwin.rule;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where the engine finds past samples of an attribute, to rebuild its windows and detectors after a restart (see
 * {@link RuleEngine#rebuild}); the node adapts its history store to it.
 */
@FunctionalInterface
public interface SampleSource {
    /**
     * The samples of {@code attribute} of the entity observed in [{@code from}, {@code to}], oldest first, at most the
     * newest {@code limit}.
     *
     * @param attribute the expanded attribute name
     */
    List<Sample> samples(TenantId tenant, EntityId entity, String attribute, Instant from, Instant to, int limit);

    /**
     * One past value.
     *
     * @param at when it was observed
     * @param value a Double, Long, String or Boolean
     */
    record Sample(Instant at, Object value) {
        public Sample {
            Objects.requireNonNull(at);
            Objects.requireNonNull(value);
        }
    }
}
