package io.citytwin.ingest;

import java.time.Instant;
import java.util.Objects;

/**
 * A device payload that was not applied, kept for operators in the device's bounded dead-letter record.
 *
 * @param receivedAt when it arrived
 * @param channel telemetry or attributes
 * @param reason why it was not applied (decode error with position, unmappable fields, a limit)
 * @param size the payload size in bytes
 * @param excerpt the start of the payload as UTF-8 (at most {@link #EXCERPT_BYTES} bytes; invalid bytes replaced)
 */
public record DeadLetter(Instant receivedAt, Channel channel, String reason, int size, String excerpt) {
    /** How much of a payload is kept. */
    public static final int EXCERPT_BYTES = 256;

    public DeadLetter {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(excerpt, "excerpt");
    }
}
