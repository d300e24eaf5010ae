package io.citytwin.twin;

import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A query for entities (NGSI-LD clause 5.7.2 "Query Entities"), with every name already expanded.
 *
 * @param ids entities with one of these ids (empty: any)
 * @param idPattern entities whose id matches this regular expression (find semantics), or null
 * @param types the type selection, or null for any type
 * @param attrs when not empty, entities that have at least one of these attributes
 * @param q the query-language filter, or null
 * @param geo the geo-query, or null
 * @param offset how many matches to skip
 * @param limit how many matches to return at most (0 with {@code count} for a count only)
 * @param count whether to count all matches
 */
public record EntityQuery(
        List<EntityId> ids,
        @Nullable Pattern idPattern,
        @Nullable TypeSelector types,
        Set<String> attrs,
        @Nullable Query q,
        @Nullable GeoQuery geo,
        int offset,
        int limit,
        boolean count) {

    public EntityQuery {
        ids = List.copyOf(ids);
        attrs = Set.copyOf(attrs);
        if (offset < 0) {
            throw TwinException.badData("query.offset", "offset must be >= 0");
        }
        if (limit < 0) {
            throw TwinException.badData("query.limit", "limit must be >= 0");
        }
    }

    /** Whether anything restricts the result (NGSI-LD refuses a query with no restriction at all). */
    public boolean isRestricted() {
        return !ids.isEmpty() || idPattern != null || types != null || !attrs.isEmpty() || q != null || geo != null;
    }
}
