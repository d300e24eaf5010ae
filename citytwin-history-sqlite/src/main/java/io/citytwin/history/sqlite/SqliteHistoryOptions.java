package io.citytwin.history.sqlite;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How a {@link SqliteHistoryStore} stores. Start from {@link #defaults()} and change what you need with the {@code
 * with...} methods.
 *
 * @param synchronous how hard a commit waits for the disk (see {@link Synchronous})
 * @param maxBatchRecords the most records the writer puts into one transaction (group commit), at least 1; a single
 *     {@code append} larger than this still goes into one transaction of its own
 * @param compactThreshold packable rows in {@code recent} beyond which the writer packs a round of them after every
 *     commit (it also packs whenever idle); 0 packs after every commit (for tests)
 * @param freshRows rows the writer lets gather in the small indexed {@code fresh} table before it moves them into
 *     {@code recent} in one go (see FRESH ROWS in the store), at least 1; larger amortises the index of {@code
 *     recent} over more rows, smaller keeps the index of {@code fresh} (dirtied by every commit) small
 * @param warmRows rows the writer lets gather in {@code warm}, the level between {@code fresh} and {@code recent},
 *     before it moves them into {@code recent} (see WARM ROWS in the store), at least 1
 * @param commitDelay how long the writer lets appends gather before it commits them (see COMMIT DELAY in the store):
 *     zero commits as soon as it can (every append's future completes soonest); a fraction of a second makes every
 *     commit write the small index of {@code fresh} once for many more records, for appends whose durability is
 *     already someone else's (the history writer's events are in the twin store's journal until it commits them)
 * @param clock the time source for bookkeeping columns
 */
public record SqliteHistoryOptions(
        Synchronous synchronous,
        int maxBatchRecords,
        int compactThreshold,
        int freshRows,
        int warmRows,
        Duration commitDelay,
        InstantSource clock) {

    /**
     * SQLite's {@code PRAGMA synchronous} in WAL mode (https://sqlite.org/pragma.html#pragma_synchronous): {@link
     * #NORMAL} (default) survives a crash or {@code kill -9} of the process, {@link #FULL} also a power loss, at one
     * fsync per group commit.
     */
    public enum Synchronous {
        NORMAL,
        FULL
    }

    public SqliteHistoryOptions {
        Objects.requireNonNull(synchronous, "synchronous");
        Objects.requireNonNull(commitDelay, "commitDelay");
        Objects.requireNonNull(clock, "clock");
        if (commitDelay.isNegative() || commitDelay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("commitDelay must be between 0 and 1 minute, not " + commitDelay);
        }
        if (maxBatchRecords < 1) {
            throw new IllegalArgumentException("maxBatchRecords must be at least 1, not " + maxBatchRecords);
        }
        if (freshRows < 1) {
            throw new IllegalArgumentException("freshRows must be at least 1, not " + freshRows);
        }
        if (warmRows < 1) {
            throw new IllegalArgumentException("warmRows must be at least 1, not " + warmRows);
        }
        if (compactThreshold < 0) {
            throw new IllegalArgumentException("compactThreshold must not be negative, not " + compactThreshold);
        }
    }

    /**
     * {@link Synchronous#NORMAL}, 20,000 records per transaction, packing beyond 50,000 rows, 100,000 fresh rows,
     * 1,000,000 warm rows, no commit delay, the system clock.
     */
    public static SqliteHistoryOptions defaults() {
        return new SqliteHistoryOptions(
                Synchronous.NORMAL, 20_000, 50_000, 100_000, 1_000_000, Duration.ZERO, InstantSource.system());
    }

    public SqliteHistoryOptions withSynchronous(Synchronous value) {
        return new SqliteHistoryOptions(
                value, maxBatchRecords, compactThreshold, freshRows, warmRows, commitDelay, clock);
    }

    public SqliteHistoryOptions withMaxBatchRecords(int value) {
        return new SqliteHistoryOptions(synchronous, value, compactThreshold, freshRows, warmRows, commitDelay, clock);
    }

    public SqliteHistoryOptions withCompactThreshold(int value) {
        return new SqliteHistoryOptions(synchronous, maxBatchRecords, value, freshRows, warmRows, commitDelay, clock);
    }

    public SqliteHistoryOptions withFreshRows(int value) {
        return new SqliteHistoryOptions(
                synchronous, maxBatchRecords, compactThreshold, value, warmRows, commitDelay, clock);
    }

    public SqliteHistoryOptions withWarmRows(int value) {
        return new SqliteHistoryOptions(
                synchronous, maxBatchRecords, compactThreshold, freshRows, value, commitDelay, clock);
    }

    public SqliteHistoryOptions withCommitDelay(Duration value) {
        return new SqliteHistoryOptions(
                synchronous, maxBatchRecords, compactThreshold, freshRows, warmRows, value, clock);
    }

    public SqliteHistoryOptions withClock(InstantSource value) {
        return new SqliteHistoryOptions(
                synchronous, maxBatchRecords, compactThreshold, freshRows, warmRows, commitDelay, value);
    }
}
