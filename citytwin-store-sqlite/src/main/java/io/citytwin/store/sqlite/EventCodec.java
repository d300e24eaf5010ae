package io.citytwin.store.sqlite;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.sqlite.BinaryReader;
import io.citytwin.sqlite.BinaryWriter;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The stored form of what a {@link ChangeEvent} adds to its change log row (the row already holds the tenant, the id
 * and the entity after the change): version, kind, time and the changed attribute names. The entity before the change
 * is not stored; events read back from the journal carry none. Not thread-safe: one instance per thread.
 */
final class EventCodec {
    private static final int VERSION = 1;
    private static final ChangeKind[] KINDS = ChangeKind.values();

    private final BinaryWriter out = new BinaryWriter(128, "store");
    private final BinaryReader in = new BinaryReader(true);

    byte[] encode(ChangeEvent e) {
        out.reset();
        out.writeByte(VERSION);
        out.writeByte(e.kind().ordinal()); // ChangeKind constants are append-only: they are stored
        out.writeInstant(e.at());
        out.writeVarint(e.changedAttributes().size());
        for (String name : e.changedAttributes()) {
            out.writeString(name);
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
                    ? new ChangeEvent(tenant, id, ChangeKind.DELETED, null, null, java.util.Set.of(), fallbackAt)
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
            if (version != VERSION) {
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
            return new ChangeEvent(tenant, id, KINDS[kind], null, current, new HashSet<>(changed), at);
        } catch (RuntimeException e) {
            if (e instanceof TwinException te) {
                throw te;
            }
            throw corrupt(id, e.toString());
        } finally {
            in.release();
        }
    }

    private static TwinException corrupt(EntityId id, String why) {
        return new TwinException(
                ErrorType.INTERNAL_ERROR,
                "store.corrupt-event",
                "The journaled change of " + id.value() + " cannot be read: " + why);
    }
}
