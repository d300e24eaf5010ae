package io.citytwin.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeClockTest {
    @Test
    void advance_fromStart_movesByStep() {
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(clock.advance(Duration.ofSeconds(90))).isEqualTo(Instant.parse("2026-01-01T00:01:30Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:01:30Z"));
        assertThat(clock.millis())
                .isEqualTo(Instant.parse("2026-01-01T00:01:30Z").toEpochMilli());
    }

    @Test
    void set_earlierInstant_movesBack() {
        FakeClock clock = new FakeClock();
        clock.set(Instant.EPOCH);
        assertThat(clock.instant()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void advance_negative_isRefused() {
        assertThatThrownBy(() -> new FakeClock().advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void advance_concurrently_losesNoStep() throws InterruptedException {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 8_000; i++) {
            pool.execute(() -> clock.advance(Duration.ofMillis(1)));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(clock.instant()).isEqualTo(Instant.EPOCH.plusSeconds(8));
    }
}
