package io.citytwin.subscription;

/**
 * Delivers one notification to its endpoint (HTTP POST, MQTT publish, ...). Implementations are thread-safe and
 * called from many virtual threads; they may block.
 */
public interface Transport extends AutoCloseable {
    /** Whether this transport handles the URI scheme of {@code endpoint} (e.g. {@code http}). */
    boolean supports(String scheme);

    /**
     * Sends and waits for the endpoint's acceptance (HTTP 2xx, MQTT PUBACK).
     *
     * @throws DeliveryException when the endpoint refused, timed out or could not be reached
     */
    void send(Notification n) throws DeliveryException;

    @Override
    default void close() {}

    /** A failed delivery attempt; the message is for logs and metrics. */
    final class DeliveryException extends Exception {
        private static final long serialVersionUID = 1L;

        public DeliveryException(String message) {
            super(message);
        }

        public DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
