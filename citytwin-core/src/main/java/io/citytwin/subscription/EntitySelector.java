package io.citytwin.subscription;

import io.citytwin.twin.BoundedRegex;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TwinException;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * One entry of a subscription's {@code entities} (EntitySelector, clause 5.2.33): a type, optionally narrowed to one
 * id or an id pattern.
 *
 * @param id the entity id, or null
 * @param idPattern a regular expression the id must match (find semantics, as the query API), or null; ignored when
 *     {@code id} is given
 * @param type the expanded entity type, required
 */
public record EntitySelector(@Nullable EntityId id, @Nullable String idPattern, String type) {
    public EntitySelector {
        Objects.requireNonNull(type, "type");
        if (type.isBlank()) {
            throw TwinException.badData("subscription.entities-type", "Each entity selector needs a type");
        }
        if (idPattern != null) {
            compile(idPattern);
        }
    }

    /** Whether {@code e} is selected. */
    public boolean test(Entity e) {
        if (!e.hasType(type)) {
            return false;
        }
        if (id != null) {
            return id.equals(e.id());
        }
        return idPattern == null || BoundedRegex.find(compile(idPattern), e.id().value());
    }

    private static Pattern compile(String p) {
        // Pattern compiles are cached by the index (SubscriptionIndex); here they only validate.
        try {
            return PatternCache.get(p);
        } catch (PatternSyntaxException e) {
            throw TwinException.badData("subscription.id-pattern", "Invalid idPattern: " + e.getDescription());
        }
    }
}
