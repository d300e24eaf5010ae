package io.citytwin.ingest;

import io.citytwin.device.Device;

/**
 * Told about every payload {@link IngestService} finished (for metrics). Called on the ingest lanes: must be fast and
 * must not throw.
 */
@FunctionalInterface
public interface IngestListener {
    /** Does nothing. */
    IngestListener NONE = (device, channel, outcome, latencyNanos) -> {};

    /**
     * @param latencyNanos from submission to the outcome (for an applied payload: until the change was durable)
     */
    void completed(Device device, Channel channel, IngestOutcome outcome, long latencyNanos);
}
