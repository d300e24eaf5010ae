package io.citytwin.twin;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of a query result.
 *
 * @param entities the entities of the page, ordered by id
 * @param totalCount the number of all matches when counting was asked for, else -1
 */
public record QueryResult(List<Entity> entities, long totalCount) {
    public QueryResult {
        entities = List.copyOf(entities);
    }

    public OptionalLong count() {
        return totalCount < 0 ? OptionalLong.empty() : OptionalLong.of(totalCount);
    }
}
