package io.citytwin.incident;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An incident an operator creates ({@code POST /api/v1/incidents}).
 *
 * @param title short title
 * @param description text
 * @param category category
 * @param type type
 * @param priority priority
 * @param location where, or null (taken from the entity when the twin knows it)
 * @param entity the twin entity it is about, or null
 * @param actor the operator
 */
public record NewIncident(
        String title,
        String description,
        Category category,
        IncidentType type,
        Priority priority,
        @Nullable GeoPoint location,
        @Nullable String entity,
        String actor) {
    public NewIncident {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(actor, "actor");
    }
}
