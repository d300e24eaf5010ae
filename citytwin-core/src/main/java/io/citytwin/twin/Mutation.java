package io.citytwin.twin;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change to the stored twin, as handed to a {@link TwinRepository}, with the {@link ChangeEvent} that describes it
 * (the repository journals and publishes that event once the change is durable).
 */
public sealed interface Mutation {
    TenantId tenant();

    /** The event of this change as the twin described it; absent for changes written without one (tests, tools). */
    @Nullable
    ChangeEvent event();

    /**
     * The event to journal for this change: the twin's, or for a mutation without one an {@code UPDATED} (Put) or
     * {@code DELETED} (Remove) event naming every attribute of the entity, stamped {@code at}.
     */
    default ChangeEvent eventOr(Instant at) {
        ChangeEvent e = event();
        if (e != null) {
            return e;
        }
        return switch (this) {
            case Put p ->
                new ChangeEvent(
                        p.tenant(),
                        p.entity().id(),
                        ChangeKind.UPDATED,
                        null,
                        p.entity(),
                        p.entity().attributes().keySet(),
                        at);
            case Remove r ->
                new ChangeEvent(r.tenant(), r.id(), ChangeKind.DELETED, null, null, java.util.Set.of(), at);
        };
    }

    /** The mutation that stores what {@code event} describes: its current entity, or its removal. */
    static Mutation of(ChangeEvent event) {
        Entity current = event.current();
        return current == null
                ? new Remove(event.tenant(), event.entityId(), event)
                : new Put(event.tenant(), current, event);
    }

    /** Store {@code entity} in place of any stored entity with its id. */
    record Put(TenantId tenant, Entity entity, @Nullable ChangeEvent event) implements Mutation {
        public Put {
            Objects.requireNonNull(tenant);
            Objects.requireNonNull(entity);
        }

        /** A Put without an event. */
        public Put(TenantId tenant, Entity entity) {
            this(tenant, entity, null);
        }
    }

    /** Remove the entity {@code id} (no error when absent). */
    record Remove(TenantId tenant, EntityId id, @Nullable ChangeEvent event) implements Mutation {
        public Remove {
            Objects.requireNonNull(tenant);
            Objects.requireNonNull(id);
        }

        /** A Remove without an event. */
        public Remove(TenantId tenant, EntityId id) {
            this(tenant, id, null);
        }
    }
}
