package io.citytwin.mqtt;

/*
 * A token bucket (the classic traffic-shaping algorithm, e.g. RFC 2697's single-rate meter without colours): a device
 * may send `burst` messages at once and `perSecond` on average. Tokens are refilled lazily from the elapsed time when
 * a message arrives, so an idle device costs nothing. Time comes from System.nanoTime() passed in by the caller, as the
 * limit protects the node in real time.
 */
/** A per-device token bucket. Thread-safe (a device's messages may arrive on different threads). */
final class RateLimiter {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    RateLimiter(double perSecond, double burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes one token; false when the device is over its rate. */
    synchronized boolean tryAcquire(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            last = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
