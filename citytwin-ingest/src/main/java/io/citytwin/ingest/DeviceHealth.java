package io.citytwin.ingest;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The health of one device as seen by this node (kept across restarts when the ingest service has a {@link
 * DeviceStateStore}).
 *
 * @param state online, offline, or unknown (no message since the node started)
 * @param lastSeen when the last payload (good or bad) arrived, or null
 * @param messages payloads received
 * @param errors payloads not (fully) applied: malformed, unmappable fields, refused by a limit, failed writes
 */
public record DeviceHealth(State state, @Nullable Instant lastSeen, long messages, long errors) {

    /** Whether a device is sending. */
    public enum State {
        /** Nothing received (since the node started, or ever with a store). */
        UNKNOWN,
        /** A payload arrived within the offline timeout. */
        ONLINE,
        /** Nothing arrived within the offline timeout; written to the entity as {@code deviceState}. */
        OFFLINE
    }

    /** When the last payload arrived, if any did. */
    public Optional<Instant> lastSeenAt() {
        return Optional.ofNullable(lastSeen);
    }
}
