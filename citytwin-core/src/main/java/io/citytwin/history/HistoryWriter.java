package io.citytwin.history;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.EventLog;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The consumer of the change event log that keeps the history: every attribute instance an event touched becomes an
 * {@link AttributeRecord} in the {@link HistoryStore}.
 *
 * <p>It runs on the event log's own consumer thread and hands each batch of events to the store as one append
 * (the store's group commit batches further), so the twin's write path never waits for history. The instances of
 * a change are recognised by their {@code modifiedAt}, which the twin stamps with the event's time.
 *
 * <p>Durability: the writer commits a batch's offsets on the log (consumer name {@value #CONSUMER}) only once the
 * store has made the batch durable, and resumes after a restart from its last commit. Over the twin store's journal
 * this means every acknowledged change reaches the history even when the node is killed: changes processed but not
 * yet committed are appended again (at-least-once). Only a consumer that overran the journal's retention loses
 * events; the gap is reported.
 */
public final class HistoryWriter implements AutoCloseable {
    /** The name under which the writer consumes and commits on the event log. */
    public static final String CONSUMER = "history";

    private final EventLog log;
    private final HistoryStore store;
    private final BiConsumer<String, @Nullable Throwable> problems;
    private EventLog.@Nullable Subscription subscription;
    private volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    /** The log offset up to which events have been handed to the store. */
    private volatile long processed;

    /**
     * @param problems told (message, cause) about failed appends and overruns; never throws into the log
     */
    public HistoryWriter(EventLog log, HistoryStore store, BiConsumer<String, @Nullable Throwable> problems) {
        this.log = Objects.requireNonNull(log);
        this.store = Objects.requireNonNull(store);
        this.problems = Objects.requireNonNull(problems);
    }

    /**
     * Starts consuming where the writer committed last on the log, or at the log's end when it never did (a new
     * node, or history just switched on).
     */
    public HistoryWriter start() {
        return start(log.committed(CONSUMER).orElse(log.endOffset()));
    }

    /** Starts consuming at {@code fromOffset} of the log (its end offset for "changes from now on"). */
    public synchronized HistoryWriter start(long fromOffset) {
        if (subscription != null) {
            throw new IllegalStateException("already started");
        }
        processed = fromOffset;
        EventLog.Subscription[] self = new EventLog.Subscription[1];
        subscription = self[0] = log.subscribe(CONSUMER, fromOffset, new EventLog.Consumer() {
            @Override
            public void accept(long firstOffset, List<ChangeEvent> events) {
                List<AttributeRecord> records = new ArrayList<>();
                for (ChangeEvent e : events) {
                    records.addAll(records(e));
                }
                long next = firstOffset + events.size();
                if (!records.isEmpty()) {
                    last = store.append(records).whenComplete((ok, error) -> {
                        if (error != null) {
                            // not committed: a restart appends this batch again
                            problems.accept("history append of " + records.size() + " records failed", error);
                        } else {
                            commit(self[0], next);
                        }
                    });
                } else {
                    last = last.thenRun(() -> commit(self[0], next)); // after the appends before it
                }
                processed = next;
            }

            @Override
            public void overrun(long fromOffset, long toOffset) {
                problems.accept(
                        "history fell behind the event log: events " + fromOffset + " to " + toOffset + " are missing",
                        null);
            }
        });
        return this;
    }

    private static void commit(EventLog.@Nullable Subscription s, long offset) {
        if (s != null) {
            s.commit(offset);
        }
    }

    /** The history records of one change: the instances of the changed attributes stamped at the event's time. */
    public static List<AttributeRecord> records(ChangeEvent e) {
        Entity current = e.current();
        if (current == null || e.changedAttributes().isEmpty()) {
            return List.of();
        }
        String type = current.types().get(0);
        Instant at = e.at();
        List<AttributeRecord> out = new ArrayList<>(e.changedAttributes().size());
        for (String name : e.changedAttributes()) {
            for (Attribute inst : current.instances(name)) {
                Instant modified = inst.modifiedAt();
                if (modified != null && modified.equals(at)) {
                    out.add(AttributeRecord.of(
                            new SeriesKey(e.tenant(), e.entityId(), name, inst.datasetId()), type, modified, inst));
                }
            }
        }
        return out;
    }

    /**
     * Waits (at most 30 s) until every event appended to the log before this call is in the store and durable
     * (tests, shutdown).
     */
    public void flush() {
        long target = log.endOffset();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (subscription != null && processed < target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        last.join();
    }

    @Override
    public synchronized void close() {
        try {
            flush();
        } catch (RuntimeException e) {
            problems.accept("history flush on close failed", e);
        }
        if (subscription != null) {
            subscription.close();
        }
        try {
            last.join();
        } catch (RuntimeException e) {
            problems.accept("history flush on close failed", e);
        }
    }
}
