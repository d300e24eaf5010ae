package io.citytwin.http;

import io.citytwin.ngsild.LdContext;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.TwinException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which members of an entity a response shows: {@code attrs} (attributes to keep), {@code pick} (members to keep,
 * including {@code id} and {@code type}) and {@code omit} (members to drop), per clause 4.21 of v1.8.
 */
record Projection(@Nullable Set<String> keep, Set<String> drop, boolean showId, boolean showType) {
    static final Projection ALL = new Projection(null, Set.of(), true, true);

    static Projection of(ApiRequest r, LdContext ctx) {
        List<String> attrs = r.listParam("attrs");
        List<String> pick = r.listParam("pick");
        List<String> omit = r.listParam("omit");
        if (!pick.isEmpty() && !omit.isEmpty()) {
            throw TwinException.badData("param.pick-omit", "pick and omit cannot be used together");
        }
        if (attrs.isEmpty() && pick.isEmpty() && omit.isEmpty()) {
            return ALL;
        }
        Set<String> keep = null;
        boolean showId = true;
        boolean showType = true;
        if (!pick.isEmpty() || !attrs.isEmpty()) {
            keep = new HashSet<>();
            for (String a : attrs) {
                keep.add(ctx.expandTerm(a));
            }
            if (!pick.isEmpty()) {
                showId = pick.contains("id");
                showType = pick.contains("type");
                for (String a : pick) {
                    if (!a.equals("id") && !a.equals("type")) {
                        keep.add(ctx.expandTerm(a));
                    }
                }
            }
        }
        Set<String> drop = new HashSet<>();
        for (String a : omit) {
            if (a.equals("id")) {
                showId = false;
            } else if (a.equals("type")) {
                showType = false;
            } else {
                drop.add(ctx.expandTerm(a));
            }
        }
        return new Projection(keep, drop, showId, showType);
    }

    /** The entity with only the attributes this projection shows. */
    Entity apply(Entity e) {
        if (keep == null && drop.isEmpty()) {
            return e;
        }
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            if ((keep == null || keep.contains(a.getKey())) && !drop.contains(a.getKey())) {
                attrs.put(a.getKey(), a.getValue());
            }
        }
        return new Entity(e.id(), e.types(), attrs, e.createdAt(), e.modifiedAt());
    }

    /** Drops {@code id}/{@code type} from a rendered entity when they were not picked or were omitted. */
    Map<String, Object> finish(Map<String, Object> rendered) {
        if (showId && showType) {
            return rendered;
        }
        Map<String, Object> m = new LinkedHashMap<>(rendered);
        if (!showId) {
            m.remove("id");
        }
        if (!showType) {
            m.remove("type");
        }
        return m;
    }
}
