package io.citytwin.history.store;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.Objects;

/**
 * One attribute instance as the history keeps it: the whole {@link Attribute} (kind, value, unitCode,
 * sub-attributes, system times), so that the temporal API can render it exactly as it was.
 *
 * <p><b>The time axis</b> of the history is {@link #observedAt()}: the instance's own {@code observedAt} when it
 * has one, otherwise the moment it was stored ({@code modifiedAt}); {@link #of} derives it so. Ranges, ordering,
 * {@code lastN} and retention all use it. Late data (an observedAt older than what is stored) is legal and is read
 * back in time order.
 *
 * @param key the series
 * @param entityType the (expanded) type of the entity when the instance was written; used by retention per type
 * @param observedAt the time axis, see above
 * @param modifiedAt when the twin stored this instance
 * @param instance the attribute instance; its datasetId must equal {@code key.datasetId()}
 */
public record AttributeRecord(
        SeriesKey key, String entityType, Instant observedAt, Instant modifiedAt, Attribute instance) {
    public AttributeRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
        Objects.requireNonNull(instance, "instance");
        if (entityType.isBlank()) {
            throw TwinException.badData("history.type-blank", "A history record needs the entity type");
        }
        if (!Objects.equals(key.datasetId(), instance.datasetId())) {
            throw TwinException.badData(
                    "history.dataset-mismatch",
                    "The instance's datasetId " + instance.datasetId() + " is not its series' " + key.datasetId());
        }
    }

    /**
     * The record of {@code instance}, its time axis being the instance's observedAt or, when it has none, {@code
     * modifiedAt}.
     */
    public static AttributeRecord of(SeriesKey key, String entityType, Instant modifiedAt, Attribute instance) {
        Instant observed = instance.observedAt();
        return new AttributeRecord(key, entityType, observed != null ? observed : modifiedAt, modifiedAt, instance);
    }
}
