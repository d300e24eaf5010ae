package io.citytwin.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * A rule's trace as a ring over two flat arrays, slot-major: recording an evaluation writes the next slot's one
 * contiguous stretch of primitives (time, version, note count, the notes as Ctx keeps them: name numbers, kinds and
 * values) and one of references (entity, result, and only when an evaluation noted objects such as an Instant, those
 * objects), `width` notes per slot, widened when an evaluation notes more. No entry and no map is allocated on the
 * engine's hot path, and old state rarely points at young objects (which would cost every young collection); entries
 * (TraceEntry, with their maps) are built only when the trace API asks.
 *
 * Why slot-major: a city's thousand rules hold ~20 MB of rings, so the slot a sample lands in is cold. With one array
 * per field (as before) a sample touched ten cold cache lines and tracing one evaluation in ten cost ~30 % of the
 * engine's throughput (RuleEvalBench, -Dbench.traceEvery); with the fields of a slot side by side it touches two to
 * four.
 */
/** The latest traced evaluations of one rule, bounded. Not thread-safe (the engine's lock). */
final class TraceRing {
    // primitives of a slot: epoch second, nano << 32 | OBJECTS flag | note count, rule version, then `width` notes
    // as (kind << 32 | name, value) pairs (see Ctx)
    private static final int P_HEAD = 3;
    // references of a slot: entity id, result, frozen values (a previous version's entry), then `width` objects by
    // note index (written only for an entry with objects, cleared when the next entry of the slot has none)
    private static final int R_HEAD = 3;
    /** In a slot's count word: the slot's references hold objects of its notes. */
    private static final long OBJECTS = 1L << 31;

    private final int capacity;
    private int width = 4;
    private int slots;
    private long[] prims;
    private @Nullable Object[] refs;

    private int next;
    private int size;

    TraceRing(int capacity) {
        this.capacity = capacity;
        // grown on demand up to the capacity: most rules of a large pack trace rarely
        this.slots = Math.min(capacity, 8);
        this.prims = new long[slots * (P_HEAD + 2 * width)];
        this.refs = new Object[slots * (R_HEAD + width)];
    }

    /** Records an evaluation, overwriting the oldest when full. */
    void add(Instant at, String entityId, int ruleVersion, String outcome, Ctx x) {
        int n = x.notes();
        if (n > width) {
            widen(n);
        }
        int slot = slot();
        int p = slot * (P_HEAD + 2 * width);
        int r = slot * (R_HEAD + width);
        boolean objects = x.hasObjects();
        if (objects || (prims[p + 1] & OBJECTS) != 0) {
            // this entry's objects, or clearing the previous entry's, so that the slot keeps nothing alive
            Arrays.fill(refs, r + R_HEAD, r + R_HEAD + width, null);
            if (objects) {
                x.copyNotes(prims, p + P_HEAD, refs, r + R_HEAD);
            }
        }
        if (!objects) {
            x.copyNotes(prims, p + P_HEAD, null, 0);
        }
        prims[p] = at.getEpochSecond();
        prims[p + 1] = ((long) at.getNano() << 32) | (objects ? OBJECTS : 0) | n;
        prims[p + 2] = ruleVersion;
        refs[r] = entityId;
        refs[r + 1] = outcome;
        refs[r + 2] = null;
    }

    /** Copies another ring's entries (a rule's new version keeps the old version's trace). */
    void addAll(TraceRing other) {
        for (TraceEntry e : other.entries()) {
            int slot = slot();
            int p = slot * (P_HEAD + 2 * width);
            int r = slot * (R_HEAD + width);
            prims[p] = e.at().getEpochSecond();
            prims[p + 1] = (long) e.at().getNano() << 32;
            prims[p + 2] = e.version();
            refs[r] = e.entity();
            refs[r + 1] = e.result();
            refs[r + 2] = e.values();
            Arrays.fill(refs, r + R_HEAD, r + R_HEAD + width, null);
        }
    }

    /** The slot to write next (growing the arrays up to the capacity), advancing the ring. */
    private int slot() {
        if (size < capacity && next == slots) {
            relayout(Math.min(capacity, slots * 2), width);
        }
        int slot = next;
        next = (next + 1) % capacity;
        if (size < capacity) {
            size++;
        }
        return slot;
    }

    private void widen(int n) {
        relayout(slots, Math.max(n, width * 2));
    }

    /** Copies the slots into arrays of {@code toSlots} slots of {@code toWidth} notes (both at least as large). */
    private void relayout(int toSlots, int toWidth) {
        int ps = P_HEAD + 2 * width;
        int rs = R_HEAD + width;
        int nps = P_HEAD + 2 * toWidth;
        int nrs = R_HEAD + toWidth;
        long[] np = new long[toSlots * nps];
        Object[] nr = new Object[toSlots * nrs];
        for (int s = 0; s < slots; s++) {
            System.arraycopy(prims, s * ps, np, s * nps, ps);
            System.arraycopy(refs, s * rs, nr, s * nrs, rs);
        }
        prims = np;
        refs = nr;
        slots = toSlots;
        width = toWidth;
    }

    int size() {
        return size;
    }

    /** The entries, oldest first. */
    @SuppressWarnings("unchecked")
    List<TraceEntry> entries() {
        List<TraceEntry> out = new ArrayList<>(size);
        int first = size < capacity ? 0 : next;
        for (int i = 0; i < size; i++) {
            int slot = (first + i) % capacity;
            int p = slot * (P_HEAD + 2 * width);
            int r = slot * (R_HEAD + width);
            Object frozen = refs[r + 2];
            Map<String, Object> values = frozen != null
                    ? (Map<String, Object>) frozen
                    : Ctx.toMap(prims, p + P_HEAD, refs, r + R_HEAD, (int) (prims[p + 1] & (OBJECTS - 1)));
            out.add(new TraceEntry(
                    Instant.ofEpochSecond(prims[p], prims[p + 1] >>> 32),
                    (String) refs[r],
                    (int) prims[p + 2],
                    (String) refs[r + 1],
                    values));
        }
        return out;
    }
}
