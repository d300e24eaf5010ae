package io.citytwin.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link InstantSource} that only moves when a test moves it. Thread-safe: readers always see the latest {@link
 * #set} or {@link #advance}, and concurrent advances all take effect.
 */
public final class FakeClock implements InstantSource {
    private final AtomicReference<Instant> now;

    /** A clock standing at {@code start}. */
    public FakeClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start));
    }

    /** A clock standing at 2026-01-01T00:00:00Z, a fixed point so that test output is reproducible. */
    public FakeClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /** Moves the clock to {@code instant} (backwards too, to test clock skew). */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant));
    }

    /**
     * Moves the clock forward by {@code step} and returns the new time.
     *
     * @throws IllegalArgumentException when {@code step} is negative
     */
    public Instant advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("Cannot advance by a negative duration: " + step);
        }
        return now.updateAndGet(t -> t.plus(step));
    }

    @Override
    public String toString() {
        return "FakeClock[" + now.get() + "]";
    }
}
