package io.citytwin.sim;

import java.time.Instant;
import java.util.Objects;

/**
 * One injected fault: what, where (the entity it starts at; for a cabinet outage the cabinet, for a leak the DMA),
 * and when. The ground truth against which detection is scored.
 *
 * @param id a stable id of the fault ({@code f-<n>})
 * @param type what went wrong
 * @param entity the NGSI-LD id of the faulty thing
 * @param start when it starts (inclusive)
 * @param end when it ends (exclusive)
 */
public record Fault(String id, Type type, String entity, Instant start, Instant end) {
    public Fault {
        Objects.requireNonNull(id);
        Objects.requireNonNull(type);
        Objects.requireNonNull(entity);
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("A fault must end after it starts: " + start + " .. " + end);
        }
    }

    /** Whether the fault is active at {@code t}. */
    public boolean activeAt(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    /** The kinds of fault the simulator injects, with the thing each applies to. */
    public enum Type {
        /** A lamp draws (almost) no power while commanded on. */
        LAMP_FAILURE("lamp"),
        /** A lamp burns in daylight. */
        DAY_BURNER("lamp"),
        /** Every lamp of a cabinet goes dark (feeder trip). */
        CABINET_OUTAGE("cabinet"),
        /** A capacity drop at a detector's segment: queue upstream, low flow downstream. */
        TRAFFIC_INCIDENT("detector"),
        /** A leak or burst in a DMA: night flow rises, pressure falls. */
        WATER_LEAK("dma"),
        /** Contamination at a quality station: turbidity up, chlorine down, E. coli found. */
        CONTAMINATION("waterQuality"),
        /** A pollution episode at an air station: NO2 and particles several times their usual level. */
        POLLUTION_EPISODE("air"),
        /** A tampered meter reports a fraction of the real load. */
        METER_TAMPERING("energyMeter"),
        /** A device stops reporting. */
        DEVICE_SILENT("any"),
        /** A device's firmware sends malformed payloads. */
        MALFORMED_PAYLOAD("any");

        private final String target;

        Type(String target) {
            this.target = target;
        }

        /** The kind of thing the fault applies to ({@code any} for device-level faults). */
        public String target() {
            return target;
        }
    }
}
