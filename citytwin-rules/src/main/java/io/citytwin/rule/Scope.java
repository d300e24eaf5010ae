package io.citytwin.rule;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which entities a rule applies to: all of the given types (expanded; at least one), whose id matches {@code
 * idPattern}, that pass the NGSI-LD query {@code q} (names expanded) and whose {@code location} satisfies the geo-query.
 *
 * @param types the expanded entity types; an entity matches when it has one of them
 * @param idPattern a regular expression the whole id must match, or null
 * @param q the NGSI-LD query (names expanded), or null
 * @param geo the geo-query on the entity's {@code location}, or null
 */
public record Scope(List<String> types, @Nullable Pattern idPattern, @Nullable Query q, @Nullable GeoQuery geo) {
    public Scope {
        types = List.copyOf(types);
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a scope needs at least one entity type");
        }
    }

    /** Whether an entity with this id can be in scope (the id pattern; the types are the caller's index). */
    public boolean matchesId(String id) {
        return idPattern == null || idPattern.matcher(id).matches();
    }

    /** Whether the entity's state passes {@code q} and {@code geo} (types and id checked apart). */
    public boolean matchesState(Entity e) {
        if (q != null && !q.test(e)) {
            return false;
        }
        if (geo != null) {
            Optional<Attribute> loc = e.attribute(Ngsi.LOCATION);
            return loc.isPresent() && loc.get().value() instanceof GeoValue g && geo.test(g.geometry());
        }
        return true;
    }

    /** Whether the entity is in scope. */
    public boolean matches(Entity e) {
        boolean typed = false;
        for (String t : types) {
            if (e.hasType(t)) {
                typed = true;
                break;
            }
        }
        if (!typed) {
            return false;
        }
        if (idPattern != null && !idPattern.matcher(e.id().value()).matches()) {
            return false;
        }
        if (q != null && !q.test(e)) {
            return false;
        }
        if (geo != null) {
            Optional<Attribute> loc = e.attribute(Ngsi.LOCATION);
            return loc.isPresent() && loc.get().value() instanceof GeoValue g && geo.test(g.geometry());
        }
        return true;
    }
}
