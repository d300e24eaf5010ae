package io.citytwin.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The embedded event log: a bounded in-memory ring of the most recent events, optionally backed by a durable {@link
 * EventJournal}.
 *
 * <p>Design: appends take one short lock, write into the ring and signal waiting readers; each subscription runs
 * its own virtual thread that copies out up to {@code maxBatch} events under the lock and calls its consumer
 * outside it, so a slow consumer only delays itself. When a consumer falls more than {@code capacity} events behind,
 * the oldest events are gone: it is told through {@link EventLog.Consumer#overrun} and continues from the oldest
 * retained event. This mirrors Kafka's retention semantics, so consumers written against this port behave the same
 * when the log is Kafka.
 *
 * <p>Without a journal, commits are kept in memory only and the log forgets everything on a restart. With a journal
 * (the twin store's change log), the ring starts at the journal's end offset, a consumer that asks for older events
 * (resuming from its commit after a restart) or fell out of the ring reads them from the journal until it catches up
 * with the ring, and commits go to the journal; a consumer is told of an overrun only when even the journal no longer
 * has its events.
 *
 * <p><b>Releasing consumed events.</b> With a journal, a slot is cleared as soon as every subscription has read past
 * it, instead of when the ring wraps: the ring then holds the consumers' lag, not the last {@code capacity} events.
 * An event (with the entity before and after the change) otherwise stays reachable for capacity / rate seconds
 * (26 s at 5,000 changes/s), so every young collection copied every event since the previous one and promoted them
 * all, which made the collector's pauses, not the work, the tail of the ingest latency. A subscription that asks for
 * a released offset reads it from the journal, as one that fell out of the ring does. Without a journal nothing is
 * released: the ring is then the only copy.
 *
 * <p>Consumer exceptions are reported to the error handler and the batch is skipped; they never stop the log.
 */
public final class InProcessEventLog implements EventLog {
    private final ChangeEvent[] ring;
    private final int mask;
    private final int maxBatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Long> commits = new ConcurrentHashMap<>();
    private final BiConsumer<String, Throwable> errorHandler;
    private final @Nullable EventJournal journal;
    private long end;
    /** With a journal: the slots below this offset were released (every subscription had read them). */
    private long released;

    private boolean closed;

    /**
     * @param capacity events retained, rounded up to a power of two
     * @param errorHandler told (subscription name, exception) when a consumer throws
     */
    public InProcessEventLog(int capacity, BiConsumer<String, Throwable> errorHandler) {
        this(capacity, errorHandler, null);
    }

    /**
     * @param capacity events retained in memory, rounded up to a power of two
     * @param errorHandler told (subscription name, exception) when a consumer throws
     * @param journal where events before the ring are read and commits are kept; null for a memory-only log
     */
    public InProcessEventLog(int capacity, BiConsumer<String, Throwable> errorHandler, @Nullable EventJournal journal) {
        this.journal = journal;
        long start = journal == null ? 0 : journal.endOffset(); // the first offset this log holds in memory
        this.end = start;
        this.released = start;
        int cap = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.ring = new ChangeEvent[cap];
        this.mask = cap - 1;
        this.maxBatch = Math.min(1024, cap);
        this.errorHandler = Objects.requireNonNull(errorHandler);
    }

    /** A log retaining 131,072 events whose consumer errors are printed to stderr. */
    public InProcessEventLog() {
        this(1 << 17, (name, e) -> {
            System.err.println("event consumer '" + name + "' failed: " + e);
        });
    }

    @Override
    public long append(List<ChangeEvent> events) {
        if (events.isEmpty()) {
            return end - 1;
        }
        lock.lock();
        try {
            for (ChangeEvent e : events) {
                ring[(int) (end & mask)] = Objects.requireNonNull(e);
                end++;
            }
            appended.signalAll();
            return end - 1;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long endOffset() {
        lock.lock();
        try {
            return end;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Subscription subscribe(String name, long fromOffset, Consumer consumer) {
        Sub s = new Sub(name, fromOffset, consumer);
        subs.add(s);
        s.thread = Thread.ofVirtual().name("eventlog-" + name).start(s::run);
        return s;
    }

    @Override
    public OptionalLong committed(String name) {
        if (journal != null) {
            return journal.committed(name);
        }
        Long c = commits.get(name);
        return c == null ? OptionalLong.empty() : OptionalLong.of(c);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            appended.signalAll();
        } finally {
            lock.unlock();
        }
        for (Sub s : subs) {
            s.close();
        }
    }

    /** Clears the slots every subscription has read (with a journal only; under the lock). */
    private void release() {
        if (journal == null) {
            return;
        }
        long min = end;
        for (Sub s : subs) {
            min = Math.min(min, s.position);
        }
        long from = Math.max(released, end - ring.length);
        for (long o = from; o < min; o++) {
            ring[(int) (o & mask)] = null;
        }
        released = Math.max(released, min);
    }

    /** The events the ring still references (for tests of the release). */
    int held() {
        lock.lock();
        try {
            int n = 0;
            for (ChangeEvent e : ring) {
                n += e == null ? 0 : 1;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** How long closing a subscription waits for the consumer's batch in progress. */
    private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(30);

    private final class Sub implements Subscription {
        final String name;
        final Consumer consumer;
        volatile long position;
        volatile boolean stopped;
        Thread thread;

        Sub(String name, long from, Consumer consumer) {
            this.name = name;
            this.position = Math.max(0, from);
            this.consumer = consumer;
        }

        void run() {
            List<ChangeEvent> batch = new ArrayList<>(maxBatch);
            while (!stopped) {
                long first;
                boolean fromJournal = false;
                long overrunFrom = -1;
                long overrunTo = -1;
                lock.lock();
                try {
                    while (!stopped && !closed && position >= end) {
                        appended.awaitUninterruptibly();
                    }
                    if (stopped || closed) {
                        return;
                    }
                    long oldest = Math.max(released, end - ring.length);
                    if (position < oldest && journal != null) {
                        fromJournal = true;
                    } else if (position < oldest) {
                        overrunFrom = position;
                        overrunTo = oldest;
                        position = oldest;
                    }
                    first = position;
                    if (!fromJournal) {
                        long stop = Math.min(end, position + maxBatch);
                        for (long o = position; o < stop; o++) {
                            batch.add(ring[(int) (o & mask)]);
                        }
                        position = stop;
                        release();
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    if (fromJournal) {
                        // outside the lock: appends never wait for a consumer reading the disk
                        EventJournal.Batch b = journal.read(first, maxBatch);
                        if (b.firstOffset() > first) {
                            overrunFrom = first;
                            overrunTo = b.firstOffset();
                        }
                        long resumed = Math.max(first, b.firstOffset());
                        batch.addAll(b.events());
                        position = resumed + batch.size();
                        if (position == first) {
                            pause(); // the ring says it is journaled, the journal has nothing yet: don't spin
                        }
                        first = resumed;
                    }
                    if (overrunFrom >= 0) {
                        consumer.overrun(overrunFrom, overrunTo);
                    }
                    if (!batch.isEmpty()) {
                        consumer.accept(first, List.copyOf(batch));
                    }
                } catch (RuntimeException e) {
                    errorHandler.accept(name, e);
                    if (fromJournal && batch.isEmpty()) {
                        pause(); // the journal failed to read: retry later instead of spinning on it
                    }
                }
                batch.clear();
            }
        }

        private void pause() {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void commit(long offset) {
            if (journal != null) {
                journal.commit(name, offset);
            } else {
                commits.merge(name, offset, Math::max);
            }
        }

        @Override
        public void close() {
            stopped = true;
            lock.lock();
            try {
                appended.signalAll();
            } finally {
                lock.unlock();
            }
            subs.remove(this);
            // wait for the batch in progress, so that the consumer's owner can close its stores afterwards (a rule
            // engine raising an alarm into a closed alarm store was seen at node shutdown); not from the consumer
            // itself, which would wait for itself
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(CLOSE_WAIT); // bounded: a consumer stuck in I/O must not hang the shutdown
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
