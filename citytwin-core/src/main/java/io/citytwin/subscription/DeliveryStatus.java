package io.citytwin.subscription;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The delivery counters of a subscription (the status members of NotificationParams, clause 5.2.14).
 *
 * @param timesSent notifications attempted (each retry counts)
 * @param timesFailed failed attempts
 * @param lastNotification when the last attempt was made, or null
 * @param lastSuccess when the last attempt succeeded, or null
 * @param lastFailure when the last attempt failed, or null
 */
public record DeliveryStatus(
        long timesSent,
        long timesFailed,
        @Nullable Instant lastNotification,
        @Nullable Instant lastSuccess,
        @Nullable Instant lastFailure) {
    public static final DeliveryStatus NONE = new DeliveryStatus(0, 0, null, null, null);

    /** {@code ok} unless the last attempt failed ({@code failed}). */
    public String status() {
        return lastFailure != null && (lastSuccess == null || lastFailure.isAfter(lastSuccess)) ? "failed" : "ok";
    }

    /** This status after one more attempt at {@code at}. */
    public DeliveryStatus plus(boolean success, Instant at) {
        return new DeliveryStatus(
                timesSent + 1,
                timesFailed + (success ? 0 : 1),
                at,
                success ? at : lastSuccess,
                success ? lastFailure : at);
    }

    /** This status with {@code delta} (counts of attempts made since) applied; later times win. */
    public DeliveryStatus merge(DeliveryStatus delta) {
        return new DeliveryStatus(
                timesSent + delta.timesSent,
                timesFailed + delta.timesFailed,
                later(lastNotification, delta.lastNotification),
                later(lastSuccess, delta.lastSuccess),
                later(lastFailure, delta.lastFailure));
    }

    private static @Nullable Instant later(@Nullable Instant a, @Nullable Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
