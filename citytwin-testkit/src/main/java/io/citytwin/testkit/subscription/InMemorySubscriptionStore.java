package io.citytwin.testkit.subscription;

import io.citytwin.subscription.DeliveryStatus;
import io.citytwin.subscription.Subscription;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.SubscriptionKey;
import io.citytwin.subscription.SubscriptionStore;
import io.citytwin.twin.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The in-memory fake of {@link SubscriptionStore}: forgets everything when closed. Thread-safe (synchronized). */
public final class InMemorySubscriptionStore implements SubscriptionStore {
    private final TreeMap<SubscriptionKey, Subscription> subs =
            new TreeMap<>((a, b) -> a.tenant().equals(b.tenant())
                    ? a.id().compareTo(b.id())
                    : a.tenant().compareTo(b.tenant()));
    private final Map<SubscriptionKey, DeliveryStatus> status = new HashMap<>();
    private boolean closed;

    @Override
    public synchronized Subscription create(Subscription s) {
        check();
        SubscriptionKey key = SubscriptionKey.of(s);
        if (subs.containsKey(key)) {
            throw SubscriptionStore.alreadyExists(s.tenant(), s.id());
        }
        subs.put(key, s);
        return s;
    }

    @Override
    public synchronized Optional<Subscription> get(TenantId tenant, SubscriptionId id) {
        check();
        return Optional.ofNullable(subs.get(new SubscriptionKey(tenant, id)));
    }

    @Override
    public synchronized List<Subscription> list(TenantId tenant, int offset, int limit) {
        check();
        SubscriptionStore.checkPaging(offset, limit);
        List<Subscription> out = new ArrayList<>();
        int skipped = 0;
        for (Subscription s : subs.values()) {
            if (!s.tenant().equals(tenant)) {
                continue;
            }
            if (skipped++ < offset) {
                continue;
            }
            if (out.size() >= limit) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    @Override
    public synchronized long count(TenantId tenant) {
        check();
        return subs.keySet().stream().filter(k -> k.tenant().equals(tenant)).count();
    }

    @Override
    public synchronized List<Subscription> all() {
        check();
        return new ArrayList<>(subs.values());
    }

    @Override
    public synchronized Subscription update(Subscription s) {
        check();
        SubscriptionKey key = SubscriptionKey.of(s);
        if (!subs.containsKey(key)) {
            throw SubscriptionStore.notFound(s.tenant(), s.id());
        }
        subs.put(key, s);
        return s;
    }

    @Override
    public synchronized boolean delete(TenantId tenant, SubscriptionId id) {
        check();
        SubscriptionKey key = new SubscriptionKey(tenant, id);
        status.remove(key);
        return subs.remove(key) != null;
    }

    @Override
    public synchronized DeliveryStatus status(TenantId tenant, SubscriptionId id) {
        check();
        return status.getOrDefault(new SubscriptionKey(tenant, id), DeliveryStatus.NONE);
    }

    @Override
    public synchronized void addStatus(Map<SubscriptionKey, DeliveryStatus> deltas) {
        check();
        deltas.forEach((k, d) -> {
            if (subs.containsKey(k)) {
                status.merge(k, d, DeliveryStatus::merge);
            }
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void check() {
        if (closed) {
            throw SubscriptionStore.closed();
        }
    }
}
