package io.citytwin.rule;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The context of one evaluation of one rule for one entity; reset between the evaluations of one event on the
 * engine's thread (the engine takes a new one per event, see RuleEngine#ctx), so evaluating allocates little. Not
 * thread-safe.
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
    /*
     * What the condition looked at, as (name, value) pairs in one array and the numbers' raw bits in another (the
     * value of a number is the NUMBER marker), so that noting a reading neither boxes it nor builds a map: the map is
     * built only when a trace entry or an alarm needs it, and a trace ring copies a note with two array copies.
     */
    private @Nullable Object[] pairs = new Object[32]; // name, value, name, value, ...

    private long[] bits = new long[16]; // a number's raw bits, where the value is NUMBER
    private int notes;

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
        this.notes = 0;
    }

    /** Notes a value (an Instant or Duration is shown as its ISO-8601 text). */
    void note(String name, @Nullable Object v) {
        int i = slot();
        pairs[2 * i] = name;
        pairs[2 * i + 1] = v;
    }

    /** Notes a number without boxing it. */
    void note(String name, double v) {
        int i = slot();
        pairs[2 * i] = name;
        pairs[2 * i + 1] = NUMBER;
        bits[i] = Double.doubleToRawLongBits(v);
    }

    private int slot() {
        if (notes == bits.length) {
            pairs = Arrays.copyOf(pairs, notes * 4);
            bits = Arrays.copyOf(bits, notes * 2);
        }
        return notes++;
    }

    private static final Object NUMBER = new Object();

    /** How many values are noted. */
    int notes() {
        return notes;
    }

    /**
     * Copies the notes: their (name, value) pairs into {@code toPairs} from {@code pairsAt}, their numbers' raw bits
     * into {@code toBits} from {@code bitsAt} (the layout {@link #toMap} reads).
     */
    void copyNotes(@Nullable Object[] toPairs, int pairsAt, long[] toBits, int bitsAt) {
        System.arraycopy(pairs, 0, toPairs, pairsAt, 2 * notes);
        System.arraycopy(bits, 0, toBits, bitsAt, notes);
    }

    Map<String, Object> values() {
        return toMap(pairs, 0, bits, 0, notes);
    }

    /** The map (name -> value) of {@code n} notes copied by {@link #copyNotes} to these positions. */
    static Map<String, Object> toMap(@Nullable Object[] pairs, int pairsFrom, long[] bits, int bitsFrom, int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Object v = pairs[pairsFrom + 2 * i + 1];
            if (v == NUMBER) {
                v = Double.longBitsToDouble(bits[bitsFrom + i]);
            } else if (v instanceof Instant || v instanceof java.time.Duration) {
                v = v.toString();
            }
            if (v instanceof Double d && !Double.isFinite(d)) {
                v = null;
            }
            m.put((String) pairs[pairsFrom + 2 * i], v == null ? io.citytwin.twin.Json.NULL : v);
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

    /** The numeric value of {@code v}, NaN when absent or not a number; allocates nothing for the entity's own. */
    double number(Value v) {
        if (v instanceof Value.Attr a) {
            if (entity == null) {
                return Double.NaN;
            }
            if (entity == cachedEntity && a.name() == cachedName) {
                return a.scale() != 1 ? cachedNumber * a.scale() : cachedNumber;
            }
            double d = attributeNumber(a.name());
            cachedEntity = entity;
            cachedName = a.name();
            cachedNumber = d;
            return a.scale() != 1 ? d * a.scale() : d;
        }
        if (v instanceof Value.Const c) {
            return c.value() instanceof Double d ? d : Double.NaN;
        }
        return resolve(v) instanceof Double d ? d : Double.NaN;
    }

    /*
     * The rules of an entity mostly read the same attribute (a detector's speed, a lamp's power): the last numeric
     * lookup is remembered by the identity of the entity (each change is a new Entity) and of the attribute name
     * (interned by Value.Attr), so the next rule of the same event skips the map lookup.
     */
    private @Nullable Entity cachedEntity;
    private @Nullable String cachedName;
    private double cachedNumber;

    private double attributeNumber(String name) {
        List<Attribute> l = entity == null ? null : entity.attributes().get(name);
        if (l == null || l.isEmpty()) {
            return Double.NaN;
        }
        return switch (l.get(0).value()) {
            case Double x -> x;
            case Long x -> x.doubleValue();
            case null, default -> Double.NaN;
        };
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
