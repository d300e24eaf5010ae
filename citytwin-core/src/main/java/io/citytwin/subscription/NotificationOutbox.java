package io.citytwin.subscription;

import java.util.Collection;
import java.util.List;

/**
 * The port of the durable notification outbox: notifications matched but not yet delivered. The notifier appends
 * each batch before it commits the event log offset, and deletes a notification only after the endpoint accepted
 * it, so a notification is delivered at least once even across a crash. Adapters: SQLite and the in-memory fake;
 * both pass {@code NotificationOutboxContract}.
 *
 * <p>Implementations are thread-safe.
 */
public interface NotificationOutbox extends AutoCloseable {

    /**
     * Stores notifications durably, in order, and returns them with their sequence numbers (increasing, never reused,
     * also across restarts).
     */
    List<Pending> append(List<Notification> notifications);

    /** Up to {@code limit} stored notifications with a sequence number above {@code afterSeq}, in sequence order. */
    List<Pending> read(long afterSeq, int limit);

    /**
     * Removes delivered notifications. Unknown numbers are ignored. The removal may become durable a little later
     * (a crash in between re-delivers, which at-least-once allows).
     */
    void remove(Collection<Long> seqs);

    /** Removes every notification of a subscription (it was deleted); returns how many. */
    int removeSubscription(SubscriptionKey key);

    /** How many notifications are stored. */
    long size();

    @Override
    void close();

    /** A stored notification and its sequence number. */
    record Pending(long seq, Notification notification) {}
}
