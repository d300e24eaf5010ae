package io.citytwin.twin;

import io.citytwin.event.EventLog;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The port through which the twin state is made durable. The in-memory twin answers all queries; the repository
 * only has to keep every acknowledged change and give everything back at startup.
 *
 * <p>The repository is also the journal of changes: every mutation's {@link Mutation#eventOr event} is published on
 * {@link #events()} once the mutation is durable, in commit order, so offsets on that log follow the commit order of
 * the store and a durable repository can replay them after a restart to consumers that had not processed them.
 *
 * <p>Contract (checked by the testkit's {@code TwinRepositoryContract} against every adapter):
 *
 * <ul>
 *   <li>{@link #write} returns at once; its future completes when the mutations are durable (they survive a kill of
 *       the process), or exceptionally with a {@link TwinException} when they cannot be stored;
 *   <li>mutations are applied in the order of the {@code write} calls, so the last write of an entity wins;
 *   <li>concurrent writers are batched into one transaction (group commit): throughput does not depend on the
 *       latency of one commit;
 *   <li>a tenant exists from its first {@link Mutation.Put} on, and stays listed after its entities are removed.
 * </ul>
 */
public interface TwinRepository extends AutoCloseable {

    /**
     * Makes {@code mutations} durable, in order, atomically with respect to a crash, then publishes their events on
     * {@link #events()} (before the future completes).
     */
    CompletableFuture<Void> write(List<Mutation> mutations);

    /**
     * The change event log fed by this repository: one event per mutation written, in commit order. A durable
     * repository keeps the events its consumers have not committed and delivers them again after a restart.
     */
    EventLog events();

    /** Streams every stored entity to {@code sink} (startup), tenant by tenant. */
    void load(BiConsumer<TenantId, Entity> sink);

    /** Every tenant that ever had an entity stored. */
    Set<TenantId> tenants();

    /** Flushes what is pending, stops the event log and releases the store; later writes fail. */
    @Override
    void close();
}
