package io.citytwin.incident;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A settable clock like io.citytwin.testkit.FakeClock (the testkit depends on this module, so its tests cannot use
 * the testkit's).
 */
final class TestClock implements InstantSource {
    private volatile Instant now;

    TestClock(Instant start) {
        this.now = start;
    }

    @Override
    public Instant instant() {
        return now;
    }

    Instant advance(Duration d) {
        now = now.plus(d);
        return now;
    }
}
