package io.citytwin.sim;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message a simulated device sends: its readings at {@code observedAt}, or, from faulty firmware, bytes that
 * are not a valid payload.
 *
 * @param device the sender
 * @param observedAt the device's timestamp
 * @param fields the readings (empty when {@code malformed} is set)
 * @param malformed the raw bytes of a malformed payload, null for a good one
 */
public record Telemetry(SimDevice device, Instant observedAt, Map<String, Object> fields, byte @Nullable [] malformed) {
    public Telemetry {
        Objects.requireNonNull(device);
        Objects.requireNonNull(observedAt);
        fields = Map.copyOf(fields);
    }

    /** The data points the message carries: one per reading, one for a malformed payload. */
    public int dataPoints() {
        return malformed != null ? 1 : Math.max(1, fields.size());
    }

    /** The JSON payload the device sends: {@code {"field": value, ..., "ts": "<observedAt>"}}, or the bad bytes. */
    public byte[] payload() {
        if (malformed != null) {
            return malformed.clone();
        }
        StringBuilder sb = new StringBuilder("{");
        for (SimDevice.Field f : device.fields()) {
            Object v = fields.get(f.name());
            if (v == null) {
                continue;
            }
            sb.append('"').append(f.name()).append("\":");
            if (v instanceof String s) {
                sb.append('"').append(s).append('"'); // simulator values are plain words and numbers
            } else if (v instanceof java.util.List<?> l) { // a position [lon, lat]
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(l.get(i));
                }
                sb.append(']');
            } else {
                sb.append(v);
            }
            sb.append(',');
        }
        sb.append("\"ts\":\"").append(observedAt).append("\"}");
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
