package io.citytwin.store.sqlite;

import java.time.InstantSource;
import java.util.Objects;

/**
 * How a {@link SqliteTwinRepository} stores. Start from {@link #defaults()} and change what you need with the
 * {@code with...} methods.
 *
 * @param synchronous how hard a commit waits for the disk (see {@link Synchronous})
 * @param maxBatchMutations the most mutations the writer puts into one transaction (group commit), at least 1; a
 *     single {@code write} larger than this still goes into one transaction of its own
 * @param clock the time source for bookkeeping columns (when a tenant was created)
 * @param journalRetention the most changes the journal keeps for consumers that lag behind (or left for good):
 *     beyond it the oldest are released and such a consumer is told it overran; at least 1
 */
public record SqliteOptions(
        Synchronous synchronous, int maxBatchMutations, InstantSource clock, long journalRetention) {

    /**
     * SQLite's {@code PRAGMA synchronous} in WAL mode (https://sqlite.org/pragma.html#pragma_synchronous).
     *
     * <ul>
     *   <li>{@link #NORMAL} (default): a commit is written to the WAL file without fsync. A committed transaction
     *       survives a crash or {@code kill -9} of the process (the operating system still has the pages), which is
     *       what CityTwin promises when it acknowledges a change. The last transactions before a power loss or an
     *       OS crash may be lost (the database stays consistent).
     *   <li>{@link #FULL}: the WAL is fsynced on every commit, so commits also survive a power loss, at the price of
     *       one fsync per group commit (a few ms on SSDs, more on SD cards and network disks).
     * </ul>
     */
    public enum Synchronous {
        NORMAL,
        FULL
    }

    public SqliteOptions {
        Objects.requireNonNull(synchronous, "synchronous");
        Objects.requireNonNull(clock, "clock");
        if (maxBatchMutations < 1) {
            throw new IllegalArgumentException("maxBatchMutations must be at least 1, not " + maxBatchMutations);
        }
        if (journalRetention < 1) {
            throw new IllegalArgumentException("journalRetention must be at least 1, not " + journalRetention);
        }
    }

    /**
     * {@link Synchronous#NORMAL}, 5,000 mutations per transaction, the system clock, 2,000,000 changes of journal for
     * lagging consumers (about 1.5 GB of disk at most).
     */
    public static SqliteOptions defaults() {
        return new SqliteOptions(Synchronous.NORMAL, 5_000, InstantSource.system(), 2_000_000);
    }

    public SqliteOptions withSynchronous(Synchronous value) {
        return new SqliteOptions(value, maxBatchMutations, clock, journalRetention);
    }

    public SqliteOptions withMaxBatchMutations(int value) {
        return new SqliteOptions(synchronous, value, clock, journalRetention);
    }

    public SqliteOptions withClock(InstantSource value) {
        return new SqliteOptions(synchronous, maxBatchMutations, value, journalRetention);
    }

    public SqliteOptions withJournalRetention(long value) {
        return new SqliteOptions(synchronous, maxBatchMutations, clock, value);
    }
}
