package io.citytwin.subscription;

import java.time.Instant;

/** Told about every delivery attempt (status counters, metrics). Must be fast and thread-safe. */
@FunctionalInterface
public interface DeliveryListener {
    /**
     * @param n the notification
     * @param success whether the endpoint accepted it
     * @param at when the attempt ended
     * @param error the failure message, empty on success
     */
    void attempted(Notification n, boolean success, Instant at, String error);
}
