package io.citytwin.rule;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The context of one evaluation of one rule for one entity; reused (reset) between evaluations on the engine's
 * thread, so evaluating allocates little. Not thread-safe.
 */
final class Ctx {
    final @Nullable Twin twin;
    TenantId tenant = TenantId.DEFAULT;

    @Nullable
    Entity entity;
    /** The sample's event time (a tick: the watermark). */
    Instant t = Instant.EPOCH;
    /** The tenant's watermark: event time "now". */
    Instant now = Instant.EPOCH;
    /** A sample older than the newest one of the entity, within the grace: only windows and detectors take it. */
    boolean outOfOrder;
    /** Whether {@link #t} is an observedAt (false: the change's own time stands in). */
    boolean observed = true;
    /** Seeding from the twin at start: only absence takes it. */
    boolean seed;

    Set<String> changed = Set.of();
    /** The last numeric value a node computed (a reading or an aggregate): {@code $value}. */
    double value = Double.NaN;
    /** name, value, name, value, ... of what the condition looked at. */
    final List<Object> trace = new ArrayList<>(16);

    Ctx(@Nullable Twin twin) {
        this.twin = twin;
    }

    void reset(TenantId tenant, @Nullable Entity entity, Instant t, Instant now) {
        this.tenant = tenant;
        this.entity = entity;
        this.t = t;
        this.now = now;
        this.outOfOrder = false;
        this.seed = false;
        this.observed = true;
        this.changed = Set.of();
        this.value = Double.NaN;
        this.trace.clear();
    }

    void note(String name, @Nullable Object v) {
        trace.add(name);
        trace.add(v);
    }

    Map<String, Object> values() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < trace.size(); i += 2) {
            Object v = trace.get(i + 1);
            if (v instanceof Double d && !Double.isFinite(d)) {
                v = null;
            }
            m.put((String) trace.get(i), v == null ? io.citytwin.twin.Json.NULL : v);
        }
        return m;
    }

    /** The value of {@code v}: a Double, String or Boolean, or null when absent. */
    @Nullable
    Object resolve(Value v) {
        return switch (v) {
            case Value.Const c -> c.value();
            case Value.Attr a -> scaled(plain(entity, a.name()), a.scale());
            case Value.Related r -> {
                Entity other = related(r.relationship());
                yield scaled(plain(other, r.name()), r.scale());
            }
        };
    }

    /** The numeric value of {@code v}, NaN when absent or not a number. */
    double number(Value v) {
        return resolve(v) instanceof Double d ? d : Double.NaN;
    }

    /** The entity the current entity's relationship points to, looked up in the twin. */
    @Nullable
    Entity related(String relationship) {
        if (entity == null || twin == null) {
            return null;
        }
        Optional<Attribute> rel = entity.attribute(relationship);
        if (rel.isEmpty() || !(rel.get().value() instanceof String target) || !EntityId.isValid(target)) {
            return null;
        }
        try {
            return twin.find(tenant, EntityId.of(target)).orElse(null);
        } catch (TwinException e) {
            return null;
        }
    }

    private static @Nullable Object plain(@Nullable Entity e, String name) {
        if (e == null) {
            return null;
        }
        Optional<Attribute> a = e.attribute(name);
        if (a.isEmpty()) {
            return null;
        }
        Object v = a.get().value();
        return switch (v) {
            case Long l -> l.doubleValue();
            case Double d -> d;
            case String s -> s;
            case Boolean b -> b;
            default -> null;
        };
    }

    private static @Nullable Object scaled(@Nullable Object v, double scale) {
        return v instanceof Double d && scale != 1 ? d * scale : v;
    }

    /** The name a value goes by in traces. */
    static String label(Value v) {
        return switch (v) {
            case Value.Const c -> String.valueOf(c.value());
            case Value.Attr a -> (a.scale() == 1 ? "" : a.scale() + "*") + Names.compact(a.name());
            case Value.Related r ->
                (r.scale() == 1 ? "" : r.scale() + "*") + Names.compact(r.relationship()) + "."
                        + Names.compact(r.name());
        };
    }
}
