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
import java.util.Objects;
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
     * What the condition looked at, as (name, value) pairs of primitives in one array: the name's number (Labels) with
     * the value's kind above it, and the value (a number's raw bits, or a constant text's number). Noting a reading
     * neither boxes it, nor builds a map, nor stores a reference (see Labels); other values (an Instant, a text made
     * for the evaluation) go to a second array, by the note's index, made only when one is noted. The map is built only
     * when a trace entry or an alarm needs it; a trace ring copies the notes with one array copy.
     */
    private long[] notes = new long[16]; // (kind << 32 | name, value), ...

    private @Nullable Object @Nullable [] objects; // by note index, for OBJECT notes only
    private int count;

    /** Kinds of noted values. */
    static final long NUMBER = 0, TEXT = 1, OBJECT = 2, NULL = 3;

    Ctx(@Nullable Twin twin) {
        this.twin = twin;
    }

    /*
     * Each field is written only when it changes: the evaluations of one event share the tenant, entity, times and
     * changed set, and a reference store costs G1's write barriers (see Labels) even when it writes the same value.
     */
    void reset(TenantId tenant, @Nullable Entity entity, Instant t, Instant now) {
        reset(tenant, entity, t, now, Set.of());
    }

    /** As {@link #reset(TenantId, Entity, Instant, Instant)}, for a sample that changed these attributes. */
    void reset(TenantId tenant, @Nullable Entity entity, Instant t, Instant now, Set<String> changed) {
        if (this.tenant != tenant) {
            this.tenant = tenant;
        }
        if (this.entity != entity) {
            this.entity = entity;
        }
        if (this.t != t) {
            this.t = t;
        }
        if (this.now != now) {
            this.now = now;
        }
        this.outOfOrder = false;
        this.seed = false;
        this.observed = true;
        if (this.changed != changed) {
            this.changed = changed;
        }
        this.value = Double.NaN;
        this.count = 0;
    }

    /** Notes a number without boxing it; {@code name} is a {@link Labels} number. */
    void note(int name, double v) {
        int i = slot();
        notes[2 * i] = name;
        notes[2 * i + 1] = Double.doubleToRawLongBits(v);
    }

    /** Notes a constant text; both are {@link Labels} numbers. */
    void noteText(int name, int text) {
        int i = slot();
        notes[2 * i] = TEXT << 32 | name;
        notes[2 * i + 1] = text;
    }

    /** Notes a value (an Instant or Duration is shown as its ISO-8601 text); {@code name} is a Labels number. */
    void note(int name, @Nullable Object v) {
        if (v == null) {
            int i = slot();
            notes[2 * i] = NULL << 32 | name;
            notes[2 * i + 1] = 0;
            return;
        }
        if (v instanceof Double d) {
            note(name, d.doubleValue());
            return;
        }
        int i = slot();
        notes[2 * i] = OBJECT << 32 | name;
        notes[2 * i + 1] = 0;
        Object[] o = objects;
        if (o == null || o.length < notes.length / 2) {
            o = objects = o == null ? new Object[notes.length / 2] : Arrays.copyOf(o, notes.length / 2);
        }
        o[i] = v;
    }

    /** Notes a number under a name given as text (registered on first use: for tests and cold paths). */
    void note(String name, double v) {
        note(Labels.id(name), v);
    }

    /** Notes a value under a name given as text (registered on first use: for tests and cold paths). */
    void note(String name, @Nullable Object v) {
        note(Labels.id(name), v);
    }

    private int slot() {
        if (2 * count == notes.length) {
            notes = Arrays.copyOf(notes, notes.length * 2);
        }
        return count++;
    }

    /** How many values are noted. */
    int notes() {
        return count;
    }

    /** Whether a note holds an object (not a number or a constant text). */
    boolean hasObjects() {
        if (objects == null) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (notes[2 * i] >>> 32 == OBJECT) {
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the notes: their primitive pairs into {@code toNotes} from {@code notesAt}, and, when {@code toObjects}
     * is not null, their objects into it from {@code objectsAt} by note index (the layout {@link #toMap} reads).
     */
    void copyNotes(long[] toNotes, int notesAt, @Nullable Object @Nullable [] toObjects, int objectsAt) {
        System.arraycopy(notes, 0, toNotes, notesAt, 2 * count);
        if (toObjects != null) {
            for (int i = 0; i < count; i++) {
                toObjects[objectsAt + i] = notes[2 * i] >>> 32 == OBJECT ? Objects.requireNonNull(objects)[i] : null;
            }
        }
    }

    Map<String, Object> values() {
        return toMap(notes, 0, objects, 0, count);
    }

    /** The map (name -> value) of {@code n} notes copied by {@link #copyNotes} to these positions. */
    static Map<String, Object> toMap(
            long[] notes, int notesFrom, @Nullable Object @Nullable [] objects, int objectsFrom, int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            long head = notes[notesFrom + 2 * i];
            long val = notes[notesFrom + 2 * i + 1];
            long kind = head >>> 32;
            Object v;
            if (kind == NUMBER) {
                double d = Double.longBitsToDouble(val);
                v = Double.isFinite(d) ? d : null;
            } else if (kind == TEXT) {
                v = Labels.text((int) val);
            } else if (kind == OBJECT && objects != null) {
                v = objects[objectsFrom + i];
                if (v instanceof Instant || v instanceof java.time.Duration) {
                    v = v.toString();
                }
            } else {
                v = null;
            }
            m.put(Labels.text((int) head), v == null ? io.citytwin.twin.Json.NULL : v);
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
