package io.citytwin.history;

import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/*
 * THE MAINTENANCE SCHEDULER of the history: retention (RetentionPolicy) and downsampling (Downsampling), run every
 * `every` of the INJECTED clock, off the request path.
 *
 * Due-ness is decided on the injected clock, never on the wall clock: runIfDue() runs when clock.instant() has
 * reached the next due time (the first run is due at once), and the next due time is then `now + every`. A real
 * timer (one daemon thread) only polls runIfDue() at a fixed real interval, so under a fake clock tests advance the
 * clock and call runIfDue() themselves, and in production the poll interval bounds how late a run can be. Runs never
 * overlap (synchronized). A failing run is reported and retried at the next due time; it never kills the timer.
 */
/** Runs history retention and downsampling periodically on an injected clock; see the comment above. */
public final class HistoryMaintenance implements AutoCloseable {
    private final HistoryStore store;
    private final RetentionPolicy retention;
    private final Downsampling downsampling;
    private final InstantSource clock;
    private final Duration every;
    private final BiConsumer<String, @Nullable Throwable> problems;
    private @Nullable Instant next;
    private @Nullable ScheduledExecutorService timer;

    /** What one run did. */
    public record Report(long deleted, long downsampled) {}

    /**
     * @param every how often a run is due, positive
     * @param problems told about failed runs
     */
    public HistoryMaintenance(
            HistoryStore store,
            RetentionPolicy retention,
            Downsampling downsampling,
            InstantSource clock,
            Duration every,
            BiConsumer<String, @Nullable Throwable> problems) {
        this.store = Objects.requireNonNull(store);
        this.retention = Objects.requireNonNull(retention);
        this.downsampling = Objects.requireNonNull(downsampling);
        this.clock = Objects.requireNonNull(clock);
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("every must be positive");
        }
        this.every = every;
        this.problems = Objects.requireNonNull(problems);
    }

    /** Whether there is anything to do at all (no rules: no timer needed). */
    public boolean hasWork() {
        return !retention.rules().isEmpty() || !downsampling.rules().isEmpty();
    }

    /** Runs retention then downsampling when due on the injected clock; empty when not due. */
    public synchronized java.util.Optional<Report> runIfDue() {
        Instant now = clock.instant();
        if (next != null && now.isBefore(next)) {
            return java.util.Optional.empty();
        }
        next = now.plus(every);
        try {
            long deleted = retention.apply(store, now);
            long downsampled = downsampling.apply(store, now);
            return java.util.Optional.of(new Report(deleted, downsampled));
        } catch (RuntimeException e) {
            problems.accept("history maintenance failed; retrying at " + next, e);
            return java.util.Optional.empty();
        }
    }

    /** Starts the real-time poll of {@link #runIfDue()} every {@code poll} on one daemon thread. */
    public synchronized HistoryMaintenance start(Duration poll) {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "citytwin-history-maintenance");
            th.setDaemon(true);
            return th;
        });
        t.scheduleWithFixedDelay(this::runIfDue, 0, Math.max(1, poll.toMillis()), TimeUnit.MILLISECONDS);
        timer = t;
        return this;
    }

    /** Stops the timer (a run in progress finishes first). */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.shutdown();
            try {
                t.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
