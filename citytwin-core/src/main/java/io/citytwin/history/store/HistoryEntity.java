package io.citytwin.history.store;

import io.citytwin.twin.EntityId;
import java.util.Objects;

/**
 * An entity that has history, as the history store's index of series knows it (see {@link
 * HistoryStore#entities}): deleted entities and entities created through the temporal API are here too.
 *
 * @param id the entity
 * @param entityType its (expanded) type as last appended
 */
public record HistoryEntity(EntityId id, String entityType) {
    public HistoryEntity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(entityType, "entityType");
    }
}
