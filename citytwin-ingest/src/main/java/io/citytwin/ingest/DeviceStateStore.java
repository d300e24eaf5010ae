package io.citytwin.ingest;

import io.citytwin.device.DeviceId;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.util.List;

/**
 * The port where {@link IngestService} keeps device health and dead letters across restarts. Written in batches (about
 * once a second, never per message); every method returns once its change is durable. Thread-safe.
 */
public interface DeviceStateStore extends AutoCloseable {

    /**
     * The health of one device with the entity it feeds (so that a device silent since the restart can still be marked
     * offline on its entity).
     */
    record HealthRow(TenantId tenant, DeviceId device, EntityId entityId, String entityType, DeviceHealth health) {}

    /** One dead letter of a device. */
    record LetterRow(TenantId tenant, DeviceId device, DeadLetter letter) {}

    /** Everything stored: the health of every device and, per device, its newest {@code perDevice} dead letters. */
    Snapshot load(int perDevice);

    /** What {@link #load} returns; letters oldest first. */
    record Snapshot(List<HealthRow> health, List<LetterRow> letters) {
        public Snapshot {
            health = List.copyOf(health);
            letters = List.copyOf(letters);
        }
    }

    /**
     * Stores health rows (replacing earlier ones of the same device) and appends dead letters, then keeps at most
     * {@code perDevice} letters per device touched and {@code total} letters overall, dropping the oldest.
     *
     * @return how many stored letters were dropped by the bounds
     */
    int save(List<HealthRow> health, List<LetterRow> letters, int perDevice, int total);

    /** Forgets a device's health and dead letters. */
    void forget(TenantId tenant, DeviceId device);

    @Override
    void close();
}
