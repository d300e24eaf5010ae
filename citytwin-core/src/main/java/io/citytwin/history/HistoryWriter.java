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
import java.util.OptionalLong;
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
 * <p>Durability, exactly once: each append carries the log offset after its batch, which the store writes in the
 * same transaction as the records ({@link HistoryStore#append(List, long)}); the writer also commits that offset on
 * the log (consumer name {@value #CONSUMER}) once the store made the batch durable, so that the log may release
 * older events. After a restart it resumes at the later of the two offsets. Over the twin store's journal this means
 * every acknowledged change reaches the history even when the node is killed, and none twice: a batch is either in
 * the store together with its offset, or neither is. Only a consumer that overran the journal's retention loses
 * events; the gap is reported.
 */
public final class HistoryWriter implements AutoCloseable {
    /** The name under which the writer consumes and commits on the event log. */
    public static final String CONSUMER = "history";

    private final EventLog log;
    private final HistoryStore store;
    private final BiConsumer<String, @Nullable Throwable> problems;
    private volatile EventLog.@Nullable Subscription subscription;
    private volatile CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
    private final Object commitLock = new Object();
    /** The highest offset made durable in the store, -1 before the first; guarded by commitLock. */
    private long toCommit = -1;
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
        return start(resumeOffset(log.committed(CONSUMER), store.logOffset(), log.endOffset()));
    }

    /**
     * Where to resume: after everything the store holds ({@code stored}, written atomically with the records) or
     * the log's commit, whichever is later; the log's end when neither exists (a new node or history just switched
     * on). A stored offset beyond the log's end means the history outlived the twin store (a new twin.db): the log's
     * offsets started over, so the stored one says nothing about them.
     */
    static long resumeOffset(OptionalLong committed, OptionalLong stored, long end) {
        long from = Math.max(
                committed.orElse(-1), stored.isPresent() && stored.getAsLong() <= end ? stored.getAsLong() : -1);
        return from < 0 ? end : from;
    }

    /** Starts consuming at {@code fromOffset} of the log (its end offset for "changes from now on"). */
    public synchronized HistoryWriter start(long fromOffset) {
        if (subscription != null) {
            throw new IllegalStateException("already started");
        }
        processed = fromOffset;
        EventLog.Subscription started = log.subscribe(CONSUMER, fromOffset, new EventLog.Consumer() {
            @Override
            public void accept(long firstOffset, List<ChangeEvent> events) {
                List<AttributeRecord> records = new ArrayList<>();
                for (ChangeEvent e : events) {
                    records.addAll(records(e));
                }
                long next = firstOffset + events.size();
                if (!records.isEmpty()) {
                    last = store.append(records, next).whenComplete((ok, error) -> {
                        if (error != null) {
                            // not committed: a restart appends this batch again
                            problems.accept("history append of " + records.size() + " records failed", error);
                        } else {
                            commit(next);
                        }
                    });
                } else {
                    last = last.thenRun(() -> commit(next)); // after the appends before it
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
        synchronized (commitLock) {
            subscription = started;
            if (toCommit >= 0) {
                started.commit(toCommit); // batches made durable before subscribe returned
            }
        }
        return this;
    }

    /** Commits {@code offset} on the log, or remembers it until the subscription is known (see {@link #start}). */
    private void commit(long offset) {
        synchronized (commitLock) {
            toCommit = Math.max(toCommit, offset);
            if (subscription != null) {
                subscription.commit(toCommit);
            }
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
