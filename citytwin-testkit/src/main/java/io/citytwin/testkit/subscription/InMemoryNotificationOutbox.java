package io.citytwin.testkit.subscription;

import io.citytwin.subscription.Notification;
import io.citytwin.subscription.NotificationOutbox;
import io.citytwin.subscription.SubscriptionKey;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The in-memory fake of {@link NotificationOutbox}: not durable. Thread-safe (synchronized). */
public final class InMemoryNotificationOutbox implements NotificationOutbox {
    private final TreeMap<Long, Notification> items = new TreeMap<>();
    private long next = 1;
    private boolean closed;

    @Override
    public synchronized List<Pending> append(List<Notification> notifications) {
        check();
        List<Pending> out = new ArrayList<>(notifications.size());
        for (Notification n : notifications) {
            long seq = next++;
            items.put(seq, n);
            out.add(new Pending(seq, n));
        }
        return out;
    }

    @Override
    public synchronized List<Pending> read(long afterSeq, int limit) {
        check();
        List<Pending> out = new ArrayList<>();
        for (Map.Entry<Long, Notification> e : items.tailMap(afterSeq, false).entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(new Pending(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public synchronized void remove(Collection<Long> seqs) {
        check();
        seqs.forEach(items::remove);
    }

    @Override
    public synchronized int removeSubscription(SubscriptionKey key) {
        check();
        int before = items.size();
        items.values().removeIf(n -> n.key().equals(key));
        return before - items.size();
    }

    @Override
    public synchronized long size() {
        check();
        return items.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void check() {
        if (closed) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "outbox.closed", "The notification outbox is closed");
        }
    }
}
