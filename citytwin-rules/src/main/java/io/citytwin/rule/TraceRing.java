package io.citytwin.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * A rule's trace as a ring over flat arrays: recording an evaluation copies the context's notes into the next
 * slot's stretch of the arrays (`width` notes per slot, widened when an evaluation notes more) instead of allocating
 * an entry and a map, so tracing stays cheap on the engine's hot path: no allocation, few cache lines, and old state
 * that rarely points at young objects (which would cost every young collection). Entries (TraceEntry, with their
 * maps) are built only when the trace API asks.
 */
/** The latest traced evaluations of one rule, bounded. Not thread-safe (the engine's lock). */
final class TraceRing {
    private final int capacity;
    private int width = 4;
    private long[] atSecond;
    private int[] atNano;
    private String[] entity;
    private int[] version;
    private String[] result;
    private int[] sizes;
    private String[] names;
    private @Nullable Object[] objects;
    private double[] numbers;
    /** Values carried over from a previous version's ring, or null. */
    private @Nullable Map<String, Object>[] frozen;

    private int next;
    private int size;

    @SuppressWarnings("unchecked")
    TraceRing(int capacity) {
        this.capacity = capacity;
        // grown on demand up to the capacity: most rules of a large pack trace rarely
        int initial = Math.min(capacity, 8);
        atSecond = new long[initial];
        atNano = new int[initial];
        entity = new String[initial];
        version = new int[initial];
        result = new String[initial];
        sizes = new int[initial];
        names = new String[initial * width];
        objects = new Object[initial * width];
        numbers = new double[initial * width];
        frozen = new Map[initial];
    }

    /** Records an evaluation, overwriting the oldest when full. */
    void add(Instant at, String entityId, int ruleVersion, String outcome, Ctx x) {
        int slot = slot();
        atSecond[slot] = at.getEpochSecond();
        atNano[slot] = at.getNano();
        entity[slot] = entityId;
        version[slot] = ruleVersion;
        result[slot] = outcome;
        frozen[slot] = null;
        int n = x.notes();
        if (n > width) {
            widen(n);
        }
        int base = slot * width;
        x.copyNotes(names, objects, numbers, base);
        for (int i = n; i < sizes[slot]; i++) {
            objects[base + i] = null;
        }
        sizes[slot] = n;
    }

    /** Copies another ring's entries (a rule's new version keeps the old version's trace). */
    void addAll(TraceRing other) {
        for (TraceEntry e : other.entries()) {
            int slot = slot();
            atSecond[slot] = e.at().getEpochSecond();
            atNano[slot] = e.at().getNano();
            entity[slot] = e.entity();
            version[slot] = e.version();
            result[slot] = e.result();
            frozen[slot] = e.values();
            int base = slot * width;
            Arrays.fill(objects, base, base + width, null);
            sizes[slot] = 0;
        }
    }

    /** The slot to write next (growing the arrays up to the capacity), advancing the ring. */
    private int slot() {
        if (size < capacity && next == atSecond.length) {
            int grown = Math.min(capacity, atSecond.length * 2);
            atSecond = Arrays.copyOf(atSecond, grown);
            atNano = Arrays.copyOf(atNano, grown);
            entity = Arrays.copyOf(entity, grown);
            version = Arrays.copyOf(version, grown);
            result = Arrays.copyOf(result, grown);
            sizes = Arrays.copyOf(sizes, grown);
            names = Arrays.copyOf(names, grown * width);
            objects = Arrays.copyOf(objects, grown * width);
            numbers = Arrays.copyOf(numbers, grown * width);
            frozen = Arrays.copyOf(frozen, grown);
        }
        int slot = next;
        next = (next + 1) % capacity;
        if (size < capacity) {
            size++;
        }
        return slot;
    }

    private void widen(int n) {
        int w = Math.max(n, width * 2);
        int slots = atSecond.length;
        String[] nn = new String[slots * w];
        Object[] no = new Object[slots * w];
        double[] nd = new double[slots * w];
        for (int s = 0; s < slots; s++) {
            System.arraycopy(names, s * width, nn, s * w, width);
            System.arraycopy(objects, s * width, no, s * w, width);
            System.arraycopy(numbers, s * width, nd, s * w, width);
        }
        names = nn;
        objects = no;
        numbers = nd;
        width = w;
    }

    int size() {
        return size;
    }

    /** The entries, oldest first. */
    List<TraceEntry> entries() {
        List<TraceEntry> out = new ArrayList<>(size);
        int first = size < capacity ? 0 : next;
        for (int i = 0; i < size; i++) {
            int slot = (first + i) % capacity;
            Map<String, Object> values =
                    frozen[slot] != null ? frozen[slot] : Ctx.toMap(names, objects, numbers, slot * width, sizes[slot]);
            out.add(new TraceEntry(
                    Instant.ofEpochSecond(atSecond[slot], atNano[slot]),
                    entity[slot],
                    version[slot],
                    result[slot],
                    values));
        }
        return out;
    }
}
