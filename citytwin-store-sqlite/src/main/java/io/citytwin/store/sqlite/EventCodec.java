package io.citytwin.store.sqlite;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.sqlite.BinaryReader;
import io.citytwin.sqlite.BinaryWriter;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/*
 * What a journal row stores of its event besides the row's tenant, id and document (the entity after the change):
 *
 *   version 2: [2] [kind] [at: instant] [changed: count, names...]
 *              [hadPrevious: 0|1] if 1: [types: count, strings...] [createdAt flag+instant] [had: one byte per changed
 *              name, 1 when the previous entity had that attribute]
 *   version 1: the same without the previous part (rows of the first journal format)
 *
 * The entity before the change is not stored whole (it would double the journal). Read back, an event carries a
 * SKETCH of it: the previous types and createdAt, and, among the changed attributes, exactly those the entity had
 * before, each with one instance whose value is NGSI-LD's null marker "urn:ngsi-ld:null" (unknown); its unchanged attributes are those of the
 * current entity. That is what consumers need to classify a change (attribute created, updated or deleted) and to
 * describe a deleted entity; no consumer may read previous values from a replayed event.
 */
/** The stored form of a {@link ChangeEvent}'s own part of a journal row. Not thread-safe: one instance per thread. */
final class EventCodec {
    private static final int VERSION = 2;
    private static final ChangeKind[] KINDS = ChangeKind.values();
    /** The value of a sketched attribute: NGSI-LD's null marker (clause 4.5.6), i.e. "no value known". */
    static final Attribute UNKNOWN = Attribute.property("urn:ngsi-ld:null");

    private final BinaryWriter out = new BinaryWriter(128, "store");
    private final BinaryReader in = new BinaryReader(true);

    byte[] encode(ChangeEvent e) {
        out.reset();
        out.writeByte(VERSION);
        out.writeByte(e.kind().ordinal()); // ChangeKind constants are append-only: they are stored
        out.writeInstant(e.at());
        List<String> changed = List.copyOf(e.changedAttributes());
        out.writeVarint(changed.size());
        for (String name : changed) {
            out.writeString(name);
        }
        Entity previous = e.previous();
        out.writeByte(previous == null ? 0 : 1);
        if (previous != null) {
            out.writeVarint(previous.types().size());
            for (String t : previous.types()) {
                out.writeString(t);
            }
            out.writeByte(previous.createdAt() == null ? 0 : 1);
            if (previous.createdAt() != null) {
                out.writeInstant(previous.createdAt());
            }
            for (String name : changed) {
                out.writeByte(previous.attributes().containsKey(name) ? 1 : 0);
            }
        }
        return out.toByteArray();
    }

    /**
     * The event of a journal row.
     *
     * @param current the decoded document of the row, null when the row removed the entity
     * @param event the stored event, null for rows written before the journal existed (read as an update of every
     *     attribute, or a deletion)
     * @param fallbackAt the time for such rows
     */
    ChangeEvent decode(
            TenantId tenant, EntityId id, @Nullable Entity current, byte @Nullable [] event, Instant fallbackAt) {
        if (event == null) {
            return current == null
                    ? new ChangeEvent(tenant, id, ChangeKind.DELETED, null, null, Set.of(), fallbackAt)
                    : new ChangeEvent(
                            tenant,
                            id,
                            ChangeKind.UPDATED,
                            null,
                            current,
                            current.attributes().keySet(),
                            fallbackAt);
        }
        in.reset(event, 0, event.length);
        try {
            int version = in.readByte();
            if (version != 1 && version != VERSION) {
                throw corrupt(id, "unknown event version " + version);
            }
            int kind = in.readByte();
            if (kind >= KINDS.length) {
                throw corrupt(id, "unknown change kind " + kind);
            }
            Instant at = in.readInstant();
            int n = in.readCount();
            List<String> changed = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                changed.add(in.readName());
            }
            Entity previous = null;
            if (version >= 2 && in.readByte() == 1) {
                int nt = in.readCount();
                List<String> types = new ArrayList<>(nt);
                for (int i = 0; i < nt; i++) {
                    types.add(in.readName());
                }
                Instant created = in.readByte() == 1 ? in.readInstant() : null;
                Set<String> had = new HashSet<>();
                for (String name : changed) {
                    if (in.readByte() == 1) {
                        had.add(name);
                    }
                }
                previous = sketch(id, types, created, current, changed, had);
            }
            return new ChangeEvent(tenant, id, KINDS[kind], previous, current, new HashSet<>(changed), at);
        } catch (RuntimeException e) {
            if (e instanceof TwinException te) {
                throw te;
            }
            throw corrupt(id, e.toString());
        } finally {
            in.release();
        }
    }

    /** The sketch of the previous entity (see the format comment above). */
    private static Entity sketch(
            EntityId id,
            List<String> types,
            @Nullable Instant created,
            @Nullable Entity current,
            List<String> changed,
            Set<String> had) {
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        if (current != null) {
            for (Map.Entry<String, List<Attribute>> a : current.attributes().entrySet()) {
                if (!changed.contains(a.getKey())) {
                    attrs.put(a.getKey(), a.getValue());
                }
            }
        }
        for (String name : changed) {
            if (had.contains(name)) {
                attrs.put(name, List.of(UNKNOWN));
            }
        }
        return new Entity(id, types, attrs, created, null);
    }

    private static TwinException corrupt(EntityId id, String why) {
        return new TwinException(
                ErrorType.INTERNAL_ERROR,
                "store.corrupt-event",
                "The journaled change of " + id.value() + " cannot be read: " + why);
    }
}
