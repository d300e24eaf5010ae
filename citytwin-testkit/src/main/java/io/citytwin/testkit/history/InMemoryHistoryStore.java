package io.citytwin.testkit.history;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryEntity;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The in-memory fake of {@link HistoryStore}: every series is a list kept in time order (stable for equal times,
 * so equal times keep append order). Nothing survives {@link #close()}. Thread-safe (one lock); meant for tests,
 * not for volume.
 */
public final class InMemoryHistoryStore implements HistoryStore {
    private final Map<SeriesKey, List<AttributeRecord>> series = new HashMap<>();
    private final Map<SeriesKey, String> types = new HashMap<>();
    private boolean closed;
    private long logOffset = -1;

    @Override
    public synchronized CompletableFuture<Void> append(List<AttributeRecord> records) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        for (AttributeRecord r : List.copyOf(records)) {
            List<AttributeRecord> list = series.computeIfAbsent(r.key(), k -> new ArrayList<>());
            types.put(r.key(), r.entityType());
            int at = list.size();
            while (at > 0 && list.get(at - 1).observedAt().isAfter(r.observedAt())) {
                at--;
            }
            list.add(at, r);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> append(List<AttributeRecord> records, long logOffset) {
        if (logOffset < 0) {
            throw new IllegalArgumentException("logOffset must not be negative: " + logOffset);
        }
        CompletableFuture<Void> done = append(records);
        if (!done.isCompletedExceptionally()) {
            this.logOffset = Math.max(this.logOffset, logOffset);
        }
        return done;
    }

    @Override
    public synchronized OptionalLong logOffset() {
        return logOffset < 0 ? OptionalLong.empty() : OptionalLong.of(logOffset);
    }

    @Override
    public synchronized List<AttributeRecord> read(SeriesKey key, Instant from, Instant to, int lastN) {
        checkOpen();
        List<AttributeRecord> list = series.getOrDefault(key, List.of());
        ArrayList<AttributeRecord> out = new ArrayList<>();
        for (AttributeRecord r : list) {
            if (!r.observedAt().isBefore(from) && r.observedAt().isBefore(to)) {
                out.add(r);
            }
        }
        if (lastN > 0 && out.size() > lastN) {
            return List.copyOf(out.subList(out.size() - lastN, out.size()));
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized List<AttributeRecord> readFirst(SeriesKey key, Instant from, Instant to, int firstN) {
        List<AttributeRecord> all = read(key, from, to, 0);
        return firstN > 0 && all.size() > firstN ? List.copyOf(all.subList(0, firstN)) : all;
    }

    @Override
    public synchronized Set<SeriesKey> series(TenantId tenant, EntityId entity) {
        checkOpen();
        HashSet<SeriesKey> out = new HashSet<>();
        for (Map.Entry<SeriesKey, List<AttributeRecord>> e : series.entrySet()) {
            if (e.getKey().tenant().equals(tenant)
                    && e.getKey().entity().equals(entity)
                    && !e.getValue().isEmpty()) {
                out.add(e.getKey());
            }
        }
        return Set.copyOf(out);
    }

    @Override
    public synchronized List<HistoryEntity> entities(TenantId tenant, @Nullable Set<String> wanted) {
        checkOpen();
        TreeMap<String, HistoryEntity> out = new TreeMap<>();
        for (Map.Entry<SeriesKey, List<AttributeRecord>> e : series.entrySet()) {
            SeriesKey k = e.getKey();
            if (k.tenant().equals(tenant) && !e.getValue().isEmpty()) {
                String type = types.get(k);
                if (wanted == null || wanted.contains(type)) {
                    out.put(k.entity().value(), new HistoryEntity(k.entity(), type));
                }
            }
        }
        return List.copyOf(out.values());
    }

    @Override
    public synchronized long deleteSeries(SeriesKey key) {
        checkOpen();
        List<AttributeRecord> removed = series.remove(key);
        types.remove(key);
        return removed == null ? 0 : removed.size();
    }

    @Override
    public synchronized long deleteEntity(TenantId tenant, EntityId entity) {
        checkOpen();
        long n = 0;
        for (SeriesKey k : List.copyOf(series.keySet())) {
            if (k.tenant().equals(tenant) && k.entity().equals(entity)) {
                n += deleteSeries(k);
            }
        }
        return n;
    }

    @Override
    public synchronized Optional<AttributeRecord> findInstance(
            TenantId tenant, EntityId entity, String attribute, String instanceId) {
        checkOpen();
        for (Map.Entry<SeriesKey, List<AttributeRecord>> e : series.entrySet()) {
            if (isOf(e.getKey(), tenant, entity, attribute)) {
                for (AttributeRecord r : e.getValue()) {
                    if (r.instanceId().equals(instanceId)) {
                        return Optional.of(r);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized boolean replaceInstance(
            TenantId tenant, EntityId entity, String attribute, String instanceId, AttributeRecord replacement) {
        checkOpen();
        if (!isOf(replacement.key(), tenant, entity, attribute)) {
            throw TwinException.badData("history.replace-key", "A replacement must stay in its attribute's series");
        }
        if (!deleteInstance(tenant, entity, attribute, instanceId)) {
            return false;
        }
        append(List.of(replacement));
        return true;
    }

    @Override
    public synchronized boolean deleteInstance(TenantId tenant, EntityId entity, String attribute, String instanceId) {
        checkOpen();
        boolean found = false;
        for (Map.Entry<SeriesKey, List<AttributeRecord>> e : series.entrySet()) {
            if (isOf(e.getKey(), tenant, entity, attribute)) {
                found |= e.getValue().removeIf(r -> r.instanceId().equals(instanceId));
            }
        }
        return found;
    }

    @Override
    public synchronized long replaceRange(SeriesKey key, Instant from, Instant to, List<AttributeRecord> replacement) {
        checkOpen();
        for (AttributeRecord r : replacement) {
            if (!r.key().equals(key)
                    || r.observedAt().isBefore(from)
                    || !r.observedAt().isBefore(to)) {
                throw TwinException.badData("history.replace-range", "A replacement must be of the series and range");
            }
        }
        List<AttributeRecord> list = series.getOrDefault(key, new ArrayList<>());
        int before = list.size();
        list.removeIf(r -> !r.observedAt().isBefore(from) && r.observedAt().isBefore(to));
        long deleted = before - list.size();
        append(replacement);
        return deleted;
    }

    private static boolean isOf(SeriesKey k, TenantId tenant, EntityId entity, String attribute) {
        return k.tenant().equals(tenant)
                && k.entity().equals(entity)
                && k.attribute().equals(attribute);
    }

    @Override
    public synchronized long deleteBefore(TenantId tenant, @Nullable String entityType, Instant cutoff) {
        checkOpen();
        long deleted = 0;
        for (Map.Entry<SeriesKey, List<AttributeRecord>> e : series.entrySet()) {
            if (!e.getKey().tenant().equals(tenant)
                    || (entityType != null && !entityType.equals(types.get(e.getKey())))) {
                continue;
            }
            for (Iterator<AttributeRecord> it = e.getValue().iterator(); it.hasNext(); ) {
                AttributeRecord r = it.next();
                if (r.observedAt().isBefore(cutoff)) {
                    it.remove();
                    deleted++;
                }
            }
        }
        return deleted;
    }

    @Override
    public synchronized void close() {
        closed = true;
        series.clear();
        types.clear();
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private static TwinException closedError() {
        return new TwinException(ErrorType.INTERNAL_ERROR, "history.closed", "The history store is closed");
    }
}
