package io.citytwin.device;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A test clock (core's tests cannot use the testkit's FakeClock: the testkit depends on core). */
final class MutableClock implements InstantSource {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
        return now;
    }

    void advance(Duration d) {
        now = now.plus(d);
    }
}
