package io.citytwin.twin;

import java.util.Objects;

/** A change to the stored twin, as handed to a {@link TwinRepository}. */
public sealed interface Mutation {
    TenantId tenant();

    /** Store {@code entity} in place of any stored entity with its id. */
    record Put(TenantId tenant, Entity entity) implements Mutation {
        public Put {
            Objects.requireNonNull(tenant);
            Objects.requireNonNull(entity);
        }
    }

    /** Remove the entity {@code id} (no error when absent). */
    record Remove(TenantId tenant, EntityId id) implements Mutation {
        public Remove {
            Objects.requireNonNull(tenant);
            Objects.requireNonNull(id);
        }
    }
}
