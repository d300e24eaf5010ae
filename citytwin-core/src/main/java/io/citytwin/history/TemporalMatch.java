package io.citytwin.history;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * q AND GEO-QUERIES ON THE TEMPORAL EVOLUTION OF AN ENTITY (ETSI GS CIM 009 v1.8, clause 5.7.4 "Query temporal
 * evolution of Entities": the query is "similar to the operation defined by clause 5.7.2 (Query Entities) with the
 * addition of a temporal query").
 *
 * Our reading: q and the geo-query select ENTITIES, the temporal query selects INSTANCES. An entity matches when,
 * at some instant of the temporal window, the entity AS IT WAS at that instant satisfies q and the geo-query, "as it
 * was" meaning each attribute (each datasetId) at its latest instance at or before that instant. The state at the
 * window's start counts (the instances before the window seed it), so an entity that was inside an area for the whole
 * window matches although it sent no position during it. The instances returned for a matching entity are all the
 * instances of the window, not only those that made it match (the query names which entities are interesting; the
 * client asked for their history).
 *
 * The walk: records of every series, sorted by time; after applying all records of one instant, q and the geo-query
 * are tested on the rebuilt entity. Cost O(instances x attributes) per entity; it stops at the first match.
 */
/** Whether an entity's history matches q and a geo-query within a temporal window; see the comment above. */
public final class TemporalMatch {
    private TemporalMatch() {}

    /**
     * @param seed per series, the latest record before the window (the state at the window's start), any order
     * @param window the records within the window, any order
     * @param time the time axis in use (observedAt or modifiedAt of the record)
     * @param q expanded names, or null
     * @param geo with an expanded geoproperty, or null
     */
    public static boolean matches(
            EntityId id,
            List<String> types,
            List<AttributeRecord> seed,
            List<AttributeRecord> window,
            Function<AttributeRecord, Instant> time,
            @Nullable Query q,
            @Nullable GeoQuery geo) {
        if (q == null && geo == null) {
            return true;
        }
        Map<String, Map<@Nullable String, Attribute>> state = new LinkedHashMap<>();
        for (AttributeRecord r : seed) {
            apply(state, r);
        }
        ArrayList<AttributeRecord> sorted = new ArrayList<>(window);
        sorted.sort(Comparator.comparing(time));
        if (!seed.isEmpty() && test(id, types, state, q, geo)) {
            return true;
        }
        for (int i = 0; i < sorted.size(); i++) {
            apply(state, sorted.get(i));
            boolean lastOfInstant =
                    i + 1 == sorted.size() || !time.apply(sorted.get(i + 1)).equals(time.apply(sorted.get(i)));
            if (lastOfInstant && test(id, types, state, q, geo)) {
                return true;
            }
        }
        return false;
    }

    private static void apply(Map<String, Map<@Nullable String, Attribute>> state, AttributeRecord r) {
        state.computeIfAbsent(r.key().attribute(), k -> new LinkedHashMap<>())
                .put(r.key().datasetId(), r.instance());
    }

    private static boolean test(
            EntityId id,
            List<String> types,
            Map<String, Map<@Nullable String, Attribute>> state,
            @Nullable Query q,
            @Nullable GeoQuery geo) {
        if (geo != null) {
            Map<@Nullable String, Attribute> where = state.get(geo.geoproperty());
            boolean inside = false;
            if (where != null) {
                for (Attribute a : where.values()) {
                    if (a.value() instanceof GeoValue g && geo.test(g.geometry())) {
                        inside = true;
                        break;
                    }
                }
            }
            if (!inside) {
                return false;
            }
        }
        if (q == null) {
            return true;
        }
        LinkedHashMap<String, List<Attribute>> attrs = LinkedHashMap.newLinkedHashMap(state.size());
        for (Map.Entry<String, Map<@Nullable String, Attribute>> e : state.entrySet()) {
            attrs.put(e.getKey(), new ArrayList<>(e.getValue().values()));
        }
        return q.test(new Entity(id, types, attrs, null, null));
    }
}
