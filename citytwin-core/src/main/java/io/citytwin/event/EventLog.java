package io.citytwin.event;

import java.util.List;
import java.util.OptionalLong;

/**
 * The port of the change event log: an ordered, append-only sequence of {@link ChangeEvent}s with offsets, read by
 * named consumers at their own pace.
 *
 * <p>Ordering: events of one entity are appended in the order the changes were made durable; a consumer sees them
 * in offset order. Implementations are thread-safe.
 */
public interface EventLog extends AutoCloseable {

    /** Appends events in order and returns the offset of the last one. Never blocks on consumers. */
    long append(List<ChangeEvent> events);

    /** The offset the next appended event will get. */
    long endOffset();

    /**
     * Starts delivering events from {@code fromOffset} (use {@link #endOffset()} for "only new ones") to {@code
     * consumer}, on a thread of the log's own, in batches, in order. A slow consumer never slows {@link #append}.
     *
     * @param name a name for logs and metrics, e.g. {@code history}
     */
    Subscription subscribe(String name, long fromOffset, Consumer consumer);

    /**
     * Where consumer {@code name} resumes: the last offset it {@link Subscription#commit committed}, or empty when it
     * never committed (a new consumer, which usually starts at {@link #endOffset()}). A durable log remembers this
     * across restarts and keeps every event from the lowest committed offset of its consumers, so a consumer that
     * commits only what it has durably processed gets every event at least once, even after a crash.
     */
    OptionalLong committed(String name);

    /** Stops every subscription. */
    @Override
    void close();

    /** Receives batches of events with the offset of the first one. */
    @FunctionalInterface
    interface Consumer {
        /**
         * @param firstOffset the offset of {@code events.get(0)}
         * @param events one or more events, in order
         */
        void accept(long firstOffset, List<ChangeEvent> events);

        /**
         * Called when the consumer fell so far behind that events were dropped from the log's retention before it
         * read them. The default does nothing; durable consumers (history) re-read from their store.
         */
        default void overrun(long fromOffset, long toOffset) {}
    }

    /** A running subscription. */
    interface Subscription extends AutoCloseable {
        /** Offset of the next event this subscription will deliver. */
        long position();

        /**
         * Declares that every event before {@code offset} has been processed durably by this consumer: after a
         * restart it resumes there ({@link EventLog#committed}) and the log may release older events. Offsets
         * lower than an earlier commit are ignored.
         */
        void commit(long offset);

        /**
         * Stops the subscription: when it returns (called from another thread) the consumer is no longer inside a
         * callback and gets no further events, so its owner may close what the consumer writes to.
         */
        @Override
        void close();
    }
}
