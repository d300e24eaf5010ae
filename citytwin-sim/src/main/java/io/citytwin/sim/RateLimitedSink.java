package io.citytwin.sim;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/*
 * TOKEN BUCKET (Turner 1986; the shaper of RFC 2697 / RFC 4115 without colours)
 *
 * A bucket of capacity B tokens fills at r tokens per second of the injected clock; sending a message takes one token
 * per data point. When the bucket holds fewer tokens than the message needs, the sender sleeps (the injected sleeper)
 * for exactly the time the bucket needs to fill up to the message's size, then takes them. The bucket starts full.
 * B is a tenth of a second of rate (at least one message), so the output is smooth at any rate: over any span T the
 * sink sends at most r T + B data points, and, when the simulation offers more than that, at least r T - B.
 * Tokens are kept as a double (fractional rates) and refilled from the clock's nanoseconds, never by a timer.
 */
/**
 * A {@link CitySink} that passes telemetry on at a fixed rate of data points per second (a token bucket on the
 * injected clock; see TOKEN BUCKET). Provisioning passes straight through. {@link #send} blocks while the bucket is
 * empty; one sender thread at a time (the runner's).
 */
public final class RateLimitedSink implements CitySink {
    private final CitySink inner;
    private final double perSecond;
    private final double capacity;
    private final InstantSource clock;
    private final SimRunner.Sleeper sleeper;
    private double tokens;
    private long lastNanos;

    /**
     * @param inner where the telemetry goes
     * @param perSecond data points per second, positive
     * @param clock the real clock
     * @param sleeper how to wait
     */
    public RateLimitedSink(CitySink inner, double perSecond, InstantSource clock, SimRunner.Sleeper sleeper) {
        this.inner = Objects.requireNonNull(inner);
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("--rate must be a positive number of data points per second");
        }
        this.perSecond = perSecond;
        this.capacity = Math.max(1, perSecond / 10);
        this.clock = clock;
        this.sleeper = sleeper;
        this.tokens = capacity;
        this.lastNanos = nanos();
    }

    private long nanos() {
        java.time.Instant t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private void refill() {
        long now = nanos();
        if (now > lastNanos) {
            tokens = Math.min(capacity, tokens + (now - lastNanos) * perSecond / 1e9);
            lastNanos = now;
        }
    }

    @Override
    public void send(Telemetry message) {
        // a message larger than the bucket waits for a full bucket and overdraws it: the rate still holds on average
        double need = Math.min(capacity, message.dataPoints());
        refill();
        while (tokens < need) {
            long waitNanos = (long) Math.ceil((need - tokens) / perSecond * 1e9);
            try {
                sleeper.sleep(Duration.ofNanos(Math.max(1, waitNanos)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SimulatorException("Interrupted while pacing the telemetry", e);
            }
            refill();
        }
        tokens -= message.dataPoints();
        inner.send(message);
    }

    @Override
    public void upsertEntities(List<Map<String, Object>> entities) {
        inner.upsertEntities(entities);
    }

    @Override
    public void provision(List<SimDevice> devices) {
        inner.provision(devices);
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public Stats stats() {
        return inner.stats();
    }

    @Override
    public void close() {
        inner.close();
    }
}
