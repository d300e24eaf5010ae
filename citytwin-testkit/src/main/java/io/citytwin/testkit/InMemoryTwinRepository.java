package io.citytwin.testkit;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.EventLog;
import io.citytwin.event.InProcessEventLog;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.TwinRepository;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The fake adapter of {@link TwinRepository}: keeps entities in maps per tenant, in memory only. Every future is
 * already complete when {@link #write} returns. It honours the whole port contract except surviving a restart of
 * the process, so it stands in for a real store in tests of the twin and the API.
 *
 * <p>Its event log is an {@link InProcessEventLog} without a journal: events are published in write order, commits
 * are remembered in memory only.
 *
 * <p>Thread-safe: writes are serialized on one lock, so they apply (and are published) in the order of the {@code
 * write} calls.
 */
public final class InMemoryTwinRepository implements TwinRepository {
    private final Object lock = new Object();
    private final InstantSource clock;
    private final InProcessEventLog events;
    private final TreeMap<TenantId, LinkedHashMap<EntityId, Entity>> tenants = new TreeMap<>();
    private boolean closed;

    /** A repository whose event log retains 131,072 events; events of mutations without one are stamped now. */
    public InMemoryTwinRepository() {
        this(InstantSource.system());
    }

    /** @param clock stamps the events of mutations written without one */
    public InMemoryTwinRepository(InstantSource clock) {
        this.clock = clock;
        this.events = new InProcessEventLog();
    }

    @Override
    public EventLog events() {
        return events;
    }

    /**
     * {@inheritDoc}
     *
     * <p>After {@link #close()} the future fails with a {@link TwinException} coded {@code store.closed}.
     */
    @Override
    public CompletableFuture<Void> write(List<Mutation> mutations) {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            List<ChangeEvent> published = new ArrayList<>(mutations.size());
            for (Mutation m : mutations) {
                published.add(m.eventOr(clock.instant()));
                switch (m) {
                    case Mutation.Put put ->
                        tenants.computeIfAbsent(put.tenant(), t -> new LinkedHashMap<>())
                                .put(put.entity().id(), put.entity());
                    case Mutation.Remove remove -> {
                        Map<EntityId, Entity> entities = tenants.get(remove.tenant());
                        if (entities != null) {
                            entities.remove(remove.id());
                        }
                    }
                }
            }
            events.append(published);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** {@inheritDoc} The sink is called outside the lock, on a snapshot taken at the call. */
    @Override
    public void load(BiConsumer<TenantId, Entity> sink) {
        List<Map.Entry<TenantId, List<Entity>>> snapshot = new ArrayList<>();
        synchronized (lock) {
            for (Map.Entry<TenantId, LinkedHashMap<EntityId, Entity>> e : tenants.entrySet()) {
                snapshot.add(Map.entry(e.getKey(), List.copyOf(e.getValue().values())));
            }
        }
        for (Map.Entry<TenantId, List<Entity>> e : snapshot) {
            for (Entity entity : e.getValue()) {
                sink.accept(e.getKey(), entity);
            }
        }
    }

    @Override
    public Set<TenantId> tenants() {
        synchronized (lock) {
            return Set.copyOf(new TreeSet<>(tenants.keySet()));
        }
    }

    /** Marks the repository closed and stops its event log; the data is kept but later writes fail. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        events.close();
    }

    private static TwinException closedException() {
        return new TwinException(ErrorType.INTERNAL_ERROR, "store.closed", "The twin repository is closed");
    }
}
