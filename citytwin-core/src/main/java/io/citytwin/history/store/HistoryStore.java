package io.citytwin.history.store;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The port of the history store: an append-mostly log of attribute instances per series, read by time range.
 *
 * <p>Time is the record's {@link AttributeRecord#observedAt() time axis}. Ranges are half-open, {@code [from, to)},
 * and results are always in ascending time order; records with the same time come back in the order they were
 * appended. Records are never deduplicated: appending the same instance twice stores it twice.
 *
 * <p>Thread-safe: any number of threads may append and read concurrently. A read sees every append whose future
 * has completed.
 */
public interface HistoryStore extends AutoCloseable {

    /**
     * Appends {@code records} (any series, any order, late data allowed). The future completes when all of them are
     * durable (adapters commit concurrent appends together, "group commit"), or fails with a {@code TwinException}
     * ({@code history.closed} after {@link #close()}, {@code history.write-failed} when storing failed, in which
     * case none of them is stored).
     */
    CompletableFuture<Void> append(List<AttributeRecord> records);

    /**
     * Appends {@code records} like {@link #append(List)} and, atomically with them, records that the event log
     * consumer feeding this store has processed every event before {@code logOffset}: after a crash, {@link
     * #logOffset()} says exactly where to resume, so no event's records are stored twice (exactly-once history over
     * an at-least-once log). Offsets lower than one recorded before are ignored.
     *
     * @param logOffset the offset of the event after the last one whose records are in {@code records}, at least 0
     */
    CompletableFuture<Void> append(List<AttributeRecord> records, long logOffset);

    /**
     * The highest offset recorded by {@link #append(List, long)} whose future completed (durable), empty when none
     * was.
     */
    OptionalLong logOffset();

    /**
     * The records of {@code key} with a time in {@code [from, to)}, ascending.
     *
     * @param lastN when positive, only the last {@code lastN} records of the range (still ascending); 0 = all
     * @return the records, empty when there are none (an unknown series is not an error)
     */
    List<AttributeRecord> read(SeriesKey key, Instant from, Instant to, int lastN);

    /**
     * The first {@code firstN} records of {@code key} with a time in {@code [from, to)}, ascending (forward paging
     * of the temporal API); 0 = all, like {@link #read}.
     */
    List<AttributeRecord> readFirst(SeriesKey key, Instant from, Instant to, int firstN);

    /**
     * Calls {@code sink} with the time and the instance's value ({@link io.citytwin.twin.Attribute#value()}) of each
     * record of {@code key} in {@code [from, to)}, ascending: what aggregation needs, which adapters can decode far
     * more cheaply than whole records. The default reads whole records.
     */
    default void scanValues(SeriesKey key, Instant from, Instant to, BiConsumer<Instant, Object> sink) {
        for (AttributeRecord r : read(key, from, to, 0)) {
            sink.accept(r.observedAt(), r.instance().value());
        }
    }

    /** The series of {@code entity} in {@code tenant} that hold at least one record (possibly none). */
    Set<SeriesKey> series(TenantId tenant, EntityId entity);

    /**
     * The index of series by (tenant, entity type, entity id): the entities of {@code tenant} that hold at least one
     * record, ordered by id, of the given (expanded) types only when {@code types} is not null. An entity whose
     * series carry different types (its type changed) is listed once, with the type of its newest series.
     */
    List<HistoryEntity> entities(TenantId tenant, @Nullable Set<String> types);

    /** Deletes every record of one series (NGSI-LD: delete an attribute's history). Blocks until done. */
    long deleteSeries(SeriesKey key);

    /** Deletes every record of every series of {@code entity} (NGSI-LD: delete a temporal entity). Blocks. */
    long deleteEntity(TenantId tenant, EntityId entity);

    /**
     * The record with {@code instanceId} among the series of {@code attribute} of {@code entity} (any datasetId),
     * if there is one (of duplicates, see {@link AttributeRecord}, the first).
     */
    Optional<AttributeRecord> findInstance(TenantId tenant, EntityId entity, String attribute, String instanceId);

    /**
     * Replaces the record(s) with {@code instanceId} among the series of {@code attribute} of {@code entity} by
     * {@code replacement} (whose key must be a series of that attribute and entity), in one transaction. Blocks.
     *
     * @return false (and nothing changed) when there is no such instance
     */
    boolean replaceInstance(
            TenantId tenant, EntityId entity, String attribute, String instanceId, AttributeRecord replacement);

    /**
     * Deletes the record(s) with {@code instanceId} among the series of {@code attribute} of {@code entity}. Blocks.
     *
     * @return false when there is no such instance
     */
    boolean deleteInstance(TenantId tenant, EntityId entity, String attribute, String instanceId);

    /**
     * Replaces every record of {@code key} with a time in {@code [from, to)} by {@code replacement} (records of
     * {@code key} within that range), in one transaction (downsampling). Blocks until done.
     *
     * @return the number of records deleted
     */
    long replaceRange(SeriesKey key, Instant from, Instant to, List<AttributeRecord> replacement);

    /**
     * Retention: deletes the records of {@code tenant} with a time before {@code cutoff}, of entities of type
     * {@code entityType} only when it is given: series whose entity type, as last appended, is {@code entityType}
     * (an entity's type rarely changes; when it does, its whole series follows the new type). Blocks until done.
     *
     * @return the number of records deleted
     */
    long deleteBefore(TenantId tenant, @Nullable String entityType, Instant cutoff);

    /** Makes every completed append durable and releases the store; later appends fail. Idempotent. */
    @Override
    void close();
}
