package io.citytwin.history.store;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One time series of the history: the instances of one attribute of one entity in one tenant, for one dataset
 * (NGSI-LD multi-attributes, clause 4.5.5: each datasetId is its own series; the default instance has none).
 *
 * @param tenant the tenant
 * @param entity the entity
 * @param attribute the attribute name, an expanded IRI, not blank
 * @param datasetId the dataset of the instance, or null for the default instance; never blank
 */
public record SeriesKey(TenantId tenant, EntityId entity, String attribute, @Nullable String datasetId) {
    public SeriesKey {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(attribute, "attribute");
        if (attribute.isBlank()) {
            throw TwinException.badData("history.attribute-blank", "A series needs an attribute name");
        }
        if (datasetId != null && datasetId.isBlank()) {
            throw TwinException.badData("history.dataset-blank", "A datasetId cannot be blank");
        }
    }

    /** The series of the default instance (no datasetId). */
    public static SeriesKey of(TenantId tenant, EntityId entity, String attribute) {
        return new SeriesKey(tenant, entity, attribute, null);
    }

    /** The datasetId, when this is not the default instance's series. */
    public Optional<String> dataset() {
        return Optional.ofNullable(datasetId);
    }
}
