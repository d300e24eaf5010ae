package io.citytwin.twin;

import java.util.List;

/**
 * The outcome of a batch operation (NGSI-LD BatchOperationResult, clause 5.2.16).
 *
 * @param success ids processed successfully, in request order
 * @param created the subset of {@code success} that did not exist before
 * @param errors the entities that failed, each with its error
 */
public record BatchResult(List<EntityId> success, List<EntityId> created, List<BatchError> errors) {
    public BatchResult {
        success = List.copyOf(success);
        created = List.copyOf(created);
        errors = List.copyOf(errors);
    }

    /** One failed entity of a batch. The entity id is kept as text: it may be the invalid part. */
    public record BatchError(String entityId, TwinException error) {}
}
