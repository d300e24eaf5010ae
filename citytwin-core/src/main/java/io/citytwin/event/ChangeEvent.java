package io.citytwin.event;

import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One change of the twin, as published on the {@link EventLog} after it was made durable.
 *
 * <p>Carries both the state before and after, so consumers (history, rules, subscriptions) need no lookups: the
 * entities are immutable and shared, not copied.
 *
 * @param tenant the tenant of the entity
 * @param entityId the entity that changed
 * @param kind what happened
 * @param previous the entity before the change, null for {@link ChangeKind#CREATED}
 * @param current the entity after the change, null for {@link ChangeKind#DELETED}
 * @param changedAttributes expanded names of the attributes whose instances were added, changed or removed
 * @param at when the change was made (the twin's clock)
 */
public record ChangeEvent(
        TenantId tenant,
        EntityId entityId,
        ChangeKind kind,
        @Nullable Entity previous,
        @Nullable Entity current,
        Set<String> changedAttributes,
        Instant at) {

    public ChangeEvent {
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(entityId);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(at);
        changedAttributes = Set.copyOf(changedAttributes);
        if (kind == ChangeKind.DELETED ? current != null : current == null) {
            throw new IllegalArgumentException("current must be null exactly for DELETED");
        }
    }

    public Optional<Entity> before() {
        return Optional.ofNullable(previous);
    }

    public Optional<Entity> after() {
        return Optional.ofNullable(current);
    }
}
