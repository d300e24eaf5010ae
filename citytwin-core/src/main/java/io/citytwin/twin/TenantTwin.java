package io.citytwin.twin;

import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.geo.SpatialIndex;
import io.citytwin.twin.query.AttrPath;
import io.citytwin.twin.query.Operand;
import io.citytwin.twin.query.Query;
import io.citytwin.twin.query.Uri;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/*
 * The in-memory state of one tenant's twin and its indexes.
 *
 * Design: entities live in a ConcurrentHashMap by id for point lookups, and every id is also in a sorted set, so every
 * query iterates in id order and paging with offset/limit is stable without sorting. Three secondary indexes narrow the candidates of a query:
 *
 *  - type index: type IRI -> sorted set of ids;
 *  - value index: (attribute IRI, string value) -> sorted set of ids, for categorical values (Property strings,
 *    Relationship objects, VocabProperty vocab) so that `q=status=="failed"` or `q=refDevice=="urn:..."` touches only
 *    the matching entities. Numeric values change with every sensor reading and are filtered by scan instead: keeping
 *    a sorted numeric index current would cost every update more than it saves range queries;
 *  - spatial index per GeoProperty IRI (see SpatialIndex) for geo-queries.
 *
 * A query picks the smallest candidate source (ids, a value-index set, a type set, the spatial candidates, or all
 * entities), then re-checks every condition on the current entity, so a candidate source may be momentarily stale
 * (indexes are updated right after the entity map) without ever producing a wrong answer. Iteration stops as soon as
 * offset+limit matches are found unless a count was asked for.
 *
 * Writers are serialised per entity by Twin; this class only needs the concurrent collections to be safe against
 * concurrent readers.
 */
final class TenantTwin {
    private final TenantId tenant;
    /** Point lookups by id: a hash map, several times cheaper than a skip list on long ids with shared prefixes. */
    private final ConcurrentHashMap<String, Entity> entities = new ConcurrentHashMap<>();
    /** Every id in order, for ordered iteration of unrestricted queries. */
    private final IdSet order = new IdSet();

    private final ConcurrentHashMap<String, IdSet> byType = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ValueKey, IdSet> byValue = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SpatialIndex<String>> byGeo = new ConcurrentHashMap<>();
    /** Attribute IRI -> number of entities having it, for /attributes. */
    private final ConcurrentHashMap<String, LongAdder> attributeCounts = new ConcurrentHashMap<>();

    private record ValueKey(String attribute, String value) {}

    TenantTwin(TenantId tenant) {
        this.tenant = tenant;
    }

    TenantId tenant() {
        return tenant;
    }

    @Nullable
    Entity get(String id) {
        return entities.get(id);
    }

    int size() {
        return entities.size();
    }

    Iterable<Entity> all() {
        return lookup(order);
    }

    Set<String> typeNames() {
        Set<String> names = new TreeSet<>();
        byType.forEach((t, ids) -> {
            if (!ids.isEmpty()) {
                names.add(t);
            }
        });
        return names;
    }

    long countOfType(String type) {
        IdSet ids = byType.get(type);
        return ids == null ? 0 : ids.size();
    }

    Iterable<Entity> ofType(String type) {
        IdSet ids = byType.get(type);
        return ids == null ? List.of() : lookup(ids);
    }

    Map<String, Long> attributeCounts() {
        Map<String, Long> m = new java.util.TreeMap<>();
        attributeCounts.forEach((k, v) -> {
            long n = v.sum();
            if (n > 0) {
                m.put(k, n);
            }
        });
        return m;
    }

    /** Replaces (or removes, when {@code next} is null) the entity {@code id} and keeps the indexes in step. */
    void apply(String id, @Nullable Entity previous, @Nullable Entity next) {
        if (next == null) {
            entities.remove(id);
            order.remove(id);
        } else {
            entities.put(id, next);
            if (previous == null) {
                order.add(id);
            }
        }
        reindex(id, previous, next);
    }

    private void reindex(String id, @Nullable Entity prev, @Nullable Entity next) {
        List<String> prevTypes = prev == null ? List.of() : prev.types();
        List<String> nextTypes = next == null ? List.of() : next.types();
        if (!prevTypes.equals(nextTypes)) {
            for (String t : prevTypes) {
                if (!nextTypes.contains(t)) {
                    IdSet s = byType.get(t);
                    if (s != null) {
                        s.remove(id);
                    }
                }
            }
            for (String t : nextTypes) {
                byType.computeIfAbsent(t, k -> new IdSet()).add(id);
            }
        }
        Map<String, List<Attribute>> prevAttrs = prev == null ? Map.of() : prev.attributes();
        Map<String, List<Attribute>> nextAttrs = next == null ? Map.of() : next.attributes();
        for (Map.Entry<String, List<Attribute>> e : prevAttrs.entrySet()) {
            List<Attribute> now = nextAttrs.get(e.getKey());
            if (now == e.getValue()) {
                continue; // unchanged instance list: nothing to reindex
            }
            unindexAttribute(id, e.getKey(), e.getValue(), now);
            if (now == null) {
                counter(e.getKey()).decrement();
            }
        }
        for (Map.Entry<String, List<Attribute>> e : nextAttrs.entrySet()) {
            List<Attribute> before = prevAttrs.get(e.getKey());
            if (before == e.getValue()) {
                continue;
            }
            indexAttribute(id, e.getKey(), e.getValue());
            if (before == null) {
                counter(e.getKey()).increment();
            }
        }
    }

    private LongAdder counter(String attr) {
        return attributeCounts.computeIfAbsent(attr, k -> new LongAdder());
    }

    private void unindexAttribute(String id, String name, List<Attribute> old, @Nullable List<Attribute> now) {
        for (Attribute a : old) {
            String v = categorical(a);
            if (v != null && (now == null || !containsCategorical(now, v))) {
                IdSet s = byValue.get(new ValueKey(name, v));
                if (s != null) {
                    s.remove(id);
                }
            }
        }
        if (now == null || !hasGeo(now)) {
            if (hasGeo(old)) {
                SpatialIndex<String> idx = byGeo.get(name);
                if (idx != null) {
                    idx.remove(id);
                }
            }
        }
    }

    private void indexAttribute(String id, String name, List<Attribute> instances) {
        for (Attribute a : instances) {
            String v = categorical(a);
            if (v != null) {
                byValue.computeIfAbsent(new ValueKey(name, v), k -> new IdSet()).add(id);
            }
        }
        // the spatial index holds the default (first) instance's geometry of each GeoProperty
        Attribute first = instances.get(0);
        if (first.value() instanceof GeoValue g) {
            byGeo.computeIfAbsent(name, k -> new SpatialIndex<>()).put(id, g.geometry());
        }
    }

    private static boolean hasGeo(List<Attribute> instances) {
        return instances.get(0).value() instanceof GeoValue;
    }

    private static boolean containsCategorical(List<Attribute> instances, String v) {
        for (Attribute a : instances) {
            if (v.equals(categorical(a))) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable String categorical(Attribute a) {
        return switch (a.kind()) {
            case PROPERTY, RELATIONSHIP, VOCAB_PROPERTY -> a.value() instanceof String s ? s : null;
            default -> null;
        };
    }

    /** Runs {@code query} against this tenant's twin. */
    QueryResult query(EntityQuery query) {
        Iterable<Entity> candidates = candidates(query);
        Query q = query.q();
        GeoQuery geo = query.geo();
        int skip = query.offset();
        int limit = query.limit();
        List<Entity> page = new ArrayList<>(Math.min(limit, 1000));
        long matches = 0;
        for (Entity e : candidates) {
            if (!matches(e, query, q, geo)) {
                continue;
            }
            matches++;
            if (skip > 0) {
                skip--;
            } else if (page.size() < limit) {
                page.add(e);
            } else if (!query.count()) {
                break;
            }
        }
        return new QueryResult(page, query.count() ? matches : -1);
    }

    private static boolean matches(Entity e, EntityQuery query, @Nullable Query q, @Nullable GeoQuery geo) {
        if (query.types() != null && !query.types().test(e.types())) {
            return false;
        }
        if (query.idPattern() != null && !BoundedRegex.find(query.idPattern(), e.id().value())) {
            return false;
        }
        if (!query.attrs().isEmpty()) {
            boolean any = false;
            for (String a : query.attrs()) {
                if (e.attributes().containsKey(a)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        if (q != null && !q.test(e)) {
            return false;
        }
        if (geo != null) {
            List<Attribute> geoAttr = e.attributes().get(geo.geoproperty());
            if (geoAttr == null || !(geoAttr.get(0).value() instanceof GeoValue g) || !geo.test(g.geometry())) {
                return false;
            }
        }
        return true;
    }

    /*
     * Picks the smallest sorted candidate source: the ids asked for, a value-index set of an equality constraint, the
     * type set of a required type (sizes of both are O(1) counters), or the spatial index's candidates for the
     * geo-query's search envelope, which is asked only when the best set so far is not already small and the
     * envelope is not the whole world. Falls back to all entities.
     */
    private Iterable<Entity> candidates(EntityQuery query) {
        if (!query.ids().isEmpty()) {
            TreeSet<String> ids = new TreeSet<>();
            query.ids().forEach(id -> ids.add(id.value()));
            return lookup(ids);
        }
        IdSet best = null;
        if (query.q() != null) {
            for (Map.Entry<AttrPath, Operand.Literal> c :
                    query.q().equalityConstraints().entrySet()) {
                if (c.getKey().attrNames().size() != 1
                        || !c.getKey().trailingKeys().isEmpty()) {
                    continue;
                }
                Object literal = c.getValue().value();
                String v = literal instanceof String str ? str : literal instanceof Uri u ? u.value() : null;
                if (v == null) {
                    continue;
                }
                IdSet s = byValue.get(new ValueKey(c.getKey().attrNames().get(0), v));
                if (s == null || s.isEmpty()) {
                    return List.of(); // nobody has this value
                }
                if (best == null || s.size() < best.size()) {
                    best = s;
                }
            }
        }
        if (query.types() != null) {
            var required = query.types().requiredType();
            if (required.isPresent()) {
                IdSet s = byType.get(required.get());
                if (s == null || s.isEmpty()) {
                    return List.of();
                }
                if (best == null || s.size() < best.size()) {
                    best = s;
                }
            }
        }
        GeoQuery geo = query.geo();
        if (geo != null && (best == null || best.size() > 64)) {
            org.locationtech.jts.geom.Envelope env = geo.searchEnvelope();
            if (env.getWidth() < 360 || env.getHeight() < 180) {
                SpatialIndex<String> idx = byGeo.get(geo.geoproperty());
                if (idx == null) {
                    return List.of();
                }
                ArrayList<String> ids = new ArrayList<>();
                idx.query(env, ids::add);
                if (best == null || ids.size() < best.size()) {
                    ids.sort(null);
                    return lookup(ids);
                }
            }
        }
        return lookup(best != null ? best : order);
    }

    private Iterable<Entity> lookup(Iterable<String> ids) {
        return () -> new Iterator<>() {
            final Iterator<String> it = ids.iterator();

            @Nullable
            Entity next = advance();

            private @Nullable Entity advance() {
                while (it.hasNext()) {
                    Entity e = entities.get(it.next());
                    if (e != null) {
                        return e;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entity next() {
                Entity e = Objects.requireNonNull(next);
                next = advance();
                return e;
            }
        };
    }
}
