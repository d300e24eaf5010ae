package io.citytwin.twin;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of an attribute update or append (NGSI-LD UpdateResult, clause 5.2.18): which attributes were changed
 * and which were not, with why.
 */
public record UpdateReport(List<String> updated, List<NotUpdated> notUpdated) {
    public UpdateReport {
        updated = List.copyOf(updated);
        notUpdated = List.copyOf(notUpdated);
    }

    /** An attribute (expanded name) that was not updated. */
    public record NotUpdated(String attributeName, @Nullable String datasetId, String reason) {}

    public boolean complete() {
        return notUpdated.isEmpty();
    }
}
