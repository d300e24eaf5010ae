package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitedSinkTest {
    /** A clock that only the sleeper moves. */
    static final class Clock implements InstantSource {
        Instant now = Instant.parse("2026-11-17T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Records what it is sent and when. */
    static final class Recording implements CitySink {
        final Clock clock;
        final List<Instant> at = new ArrayList<>();

        Recording(Clock clock) {
            this.clock = clock;
        }

        @Override
        public void upsertEntities(List<Map<String, Object>> entities) {}

        @Override
        public void provision(List<SimDevice> devices) {}

        @Override
        public void send(Telemetry message) {
            at.add(clock.instant());
        }

        @Override
        public void flush() {}

        @Override
        public Stats stats() {
            return new Stats(at.size(), 0, 0);
        }

        @Override
        public void close() {}
    }

    static final SimDevice DEVICE = new SimDevice(
            "Sensor-1",
            "urn:ngsi-ld:Sensor:1",
            "Sensor",
            "token-token-token-token",
            Duration.ofMinutes(1),
            List.of(new SimDevice.Field("a", "a", ""), new SimDevice.Field("b", "b", "")));

    static Telemetry twoPoints(Instant t) {
        return new Telemetry(DEVICE, t, Map.of("a", 1, "b", 2), null);
    }

    @Test
    void send_keepsTheDataPointRate_onTheInjectedClock() {
        Clock clock = new Clock();
        Recording out = new Recording(clock);
        List<Duration> slept = new ArrayList<>();
        RateLimitedSink sink = new RateLimitedSink(out, 1_000, clock, d -> {
            slept.add(d);
            clock.now = clock.now.plus(d);
        });
        Instant start = clock.instant();
        for (int i = 0; i < 5_000; i++) {
            sink.send(twoPoints(start));
        }
        // 10,000 points at 1,000/s, of which a full bucket (100 points) leave at once: 9.9 s
        Duration took = Duration.between(start, clock.instant());
        assertThat(took).isBetween(Duration.ofMillis(9_890), Duration.ofMillis(9_910));
        assertThat(out.at).hasSize(5_000);
        // never more than rate x span + bucket in any window: check every one-second window starting at a send
        int j = 0;
        for (int i = 0; i < out.at.size(); i++) {
            while (j < out.at.size() && out.at.get(j).isBefore(out.at.get(i).plusSeconds(1))) {
                j++;
            }
            assertThat((j - i) * 2).as("points in the second after send %d", i).isLessThanOrEqualTo(1_000 + 100 + 2);
        }
        assertThat(slept).allSatisfy(d -> assertThat(d).isPositive());
    }

    @Test
    void idleTime_refillsOnlyUpToTheBucket() {
        Clock clock = new Clock();
        Recording out = new Recording(clock);
        RateLimitedSink sink = new RateLimitedSink(out, 10, clock, d -> clock.now = clock.now.plus(d));
        clock.now = clock.now.plus(Duration.ofHours(1)); // a long pause does not bank an hour of tokens
        Instant resumed = clock.instant();
        for (int i = 0; i < 11; i++) {
            sink.send(twoPoints(resumed));
        }
        // a bucket of 1 point (rate / 10, at least 1), overdrawn by the first message: the other 20 points take 2 s
        assertThat(Duration.between(resumed, clock.instant()))
                .isBetween(Duration.ofMillis(1_999), Duration.ofMillis(2_001));
    }

    @Test
    void aRateMustBePositive() {
        Clock clock = new Clock();
        assertThatThrownBy(() -> new RateLimitedSink(new Recording(clock), 0, clock, d -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--rate");
    }
}
