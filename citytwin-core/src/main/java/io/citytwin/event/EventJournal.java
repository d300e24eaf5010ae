package io.citytwin.event;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The durable side of an {@link EventLog}: where committed changes stay readable after they left the log's memory and
 * after a restart, and where consumers' {@linkplain EventLog.Subscription#commit commits} are kept.
 *
 * <p>The twin's store implements it (its change log is the journal: a change is journaled in the same transaction
 * that makes it durable), and {@link InProcessEventLog} reads from it whatever a consumer needs that is no longer, or
 * not yet, in its ring. Offsets are the journal's sequence numbers: dense, increasing, never reused.
 *
 * <p>Implementations are thread-safe.
 */
public interface EventJournal {

    /** The offset the next journaled change will get: where a log over this journal starts after a restart. */
    long endOffset();

    /**
     * Reads journaled changes in offset order, starting at {@code fromOffset} or, when the journal no longer retains
     * that offset, at the oldest one it does (the batch's {@code firstOffset} says which).
     *
     * @param max at most this many events
     * @return the batch; empty when nothing at or after {@code fromOffset} is journaled yet
     */
    Batch read(long fromOffset, int max);

    /** The last offset consumer {@code name} committed, kept across restarts; empty when it never committed. */
    OptionalLong committed(String name);

    /**
     * Records that consumer {@code name} processed every change before {@code offset}. May be made durable lazily
     * (a crash then replays a little more: at-least-once); offsets lower than the recorded one are ignored. The
     * journal retains changes from the lowest commit of all consumers on.
     */
    void commit(String name, long offset);

    /**
     * Events read from a journal.
     *
     * @param firstOffset the offset of {@code events.get(0)} (or where the journal resumes when empty)
     * @param events consecutive events
     */
    record Batch(long firstOffset, List<ChangeEvent> events) {
        public Batch {
            events = List.copyOf(Objects.requireNonNull(events));
        }
    }
}
