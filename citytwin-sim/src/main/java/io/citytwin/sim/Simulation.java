package io.citytwin.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/*
 * REPORTING SCHEDULE
 *
 * Every device reports at a fixed period with a phase drawn from its id (Noise), so that 10,000 lamps with a
 * 5-minute period do not all report in the same second but spread evenly, as real fleets do. due(from, to) returns
 * every report time in (from, to] of every device: the caller advances simulated time in ticks of any length
 * (a second in real time, a minute per real second at --speed 60, an hour per step when backfilling) and gets
 * exactly the messages of that span, in device order, each stamped with its own report time, so a backfill and a
 * real-time run of the same span produce the same messages.
 */
/** The devices of a {@link City} and the messages they send over simulated time, with faults applied. */
public final class Simulation {
    private final Behaviour behaviour;
    private final List<SimDevice> devices = new ArrayList<>();
    private final List<BiFunction<SimDevice, Instant, Map<String, Object>>> readers = new ArrayList<>();
    private final long seed;

    public Simulation(Behaviour behaviour) {
        this.behaviour = behaviour;
        this.seed = behaviour.city().spec().seed();
        City city = behaviour.city();
        Map<String, List<City.Lamp>> lampsByCabinet = new HashMap<>();
        for (City.Lamp l : city.lamps()) {
            lampsByCabinet.computeIfAbsent(l.cabinet(), k -> new ArrayList<>()).add(l);
        }
        Duration minute = Duration.ofMinutes(1);
        Duration five = Duration.ofMinutes(5);
        for (City.Lamp l : city.lamps()) {
            add(l.id(), "Streetlight", five, (d, t) -> behaviour.lamp(l, t), LAMP);
        }
        for (City.Cabinet c : city.cabinets()) {
            List<City.Lamp> lamps = lampsByCabinet.getOrDefault(c.id(), List.of());
            add(c.id(), "StreetlightControlCabinet", minute, (d, t) -> behaviour.cabinet(c, lamps, t), CABINET);
        }
        for (City.Detector x : city.detectors()) {
            add(x.id(), "TrafficFlowObserved", minute, (d, t) -> behaviour.detector(x, t), DETECTOR);
        }
        for (City.WaterMeter w : city.waterMeters()) {
            SimDevice.Field[] fields = w.kind() == City.WaterMeter.Kind.FLOW ? FLOW : PRESSURE;
            add(w.id(), "WaterMeter", minute, (d, t) -> behaviour.waterMeter(w, t), fields);
        }
        for (City.WaterQualityStation q : city.waterQualityStations()) {
            add(q.id(), "WaterQualityObserved", five, (d, t) -> behaviour.waterQuality(q, t), QUALITY);
        }
        for (City.AirStation a : city.airStations()) {
            add(a.id(), "AirQualityObserved", five, (d, t) -> behaviour.air(a, t), AIR);
        }
        for (City.EnergyMeter e : city.energyMeters()) {
            add(e.id(), "EnergyMeter", Duration.ofMinutes(15), (d, t) -> behaviour.energyMeter(e, t), ENERGY);
        }
        for (City.ParkingSpot p : city.parkingSpots()) {
            add(p.id(), "ParkingSpot", Duration.ofMinutes(15), (d, t) -> behaviour.parking(p, t), PARKING);
        }
        for (City.EvCharger c : city.chargers()) {
            add(c.id(), "EVChargingStation", Duration.ofMinutes(30), (d, t) -> behaviour.charger(c, t), CHARGER);
        }
        for (City.WasteContainer w : city.wasteContainers()) {
            add(w.id(), "WasteContainer", Duration.ofHours(1), (d, t) -> behaviour.waste(w, t), WASTE);
        }
        for (City.Vehicle v : city.vehicles()) {
            add(v.id(), "Vehicle", Duration.ofSeconds(10), (d, t) -> behaviour.vehicle(v, t), VEHICLE);
        }
    }

    private static final SimDevice.Field[] LAMP = {
        f("powerState", "powerState", ""),
        f("illuminanceLevel", "illuminanceLevel", ""),
        f("powerConsumption", "powerConsumption", "WTT"),
        f("current", "current", "AMP"),
        f("voltage", "voltage", "VLT"),
        f("powerFactor", "powerFactor", "")
    };
    private static final SimDevice.Field[] CABINET = {
        f("activePower", "activePower", "KWT"), f("current", "current", "AMP")
    };
    private static final SimDevice.Field[] DETECTOR = {
        f("intensity", "intensity", "E50"),
        f("occupancy", "occupancy", ""),
        f("averageVehicleSpeed", "averageVehicleSpeed", "KMH")
    };
    private static final SimDevice.Field[] FLOW = {f("flow", "flow", "MQH")};
    private static final SimDevice.Field[] PRESSURE = {f("pressure", "pressure", "BAR")};
    private static final SimDevice.Field[] QUALITY = {
        f("turbidity", "turbidity", "NTU"),
        f("freeChlorine", "freeChlorine", "M1"),
        f("pH", "pH", ""),
        f("eColi", "eColi", ""),
        f("temperature", "temperature", "CEL")
    };
    private static final SimDevice.Field[] AIR = {
        f("no2", "no2", "GQ"), f("pm25", "pm25", "GQ"), f("pm10", "pm10", "GQ"), f("o3", "o3", "GQ")
    };
    private static final SimDevice.Field[] ENERGY = {f("activePower", "activePower", "KWT")};
    private static final SimDevice.Field[] PARKING = {f("status", "status", "")};
    private static final SimDevice.Field[] CHARGER = {
        f("availableCapacity", "availableCapacity", ""), f("status", "status", "")
    };
    private static final SimDevice.Field[] WASTE = {f("fillingLevel", "fillingLevel", "")};
    private static final SimDevice.Field[] VEHICLE = {
        f("speed", "speed", "KMH"),
        f("heading", "heading", "DD"),
        new SimDevice.Field("location", "location", "", "geo:point")
    };

    private static SimDevice.Field f(String name, String attribute, String unit) {
        return new SimDevice.Field(name, attribute, unit);
    }

    private void add(
            String entityId,
            String type,
            Duration period,
            BiFunction<SimDevice, Instant, @Nullable Map<String, Object>> reader,
            SimDevice.Field[] fields) {
        String local = entityId.substring("urn:ngsi-ld:".length()).replace(':', '-');
        // 32 hex digits, fixed width (a node refuses tokens under 20 characters), derived from the seed and the id
        long a = Noise.mix(seed ^ entityId.hashCode());
        String token = String.format(java.util.Locale.ROOT, "%016x%016x", a, Noise.mix(a ^ entityId.length()));
        devices.add(new SimDevice(local, entityId, type, token, period, List.of(fields)));
        readers.add(reader);
    }

    /** Every device, in a fixed order (lamps, cabinets, detectors, water, air, energy, parking, ...). */
    public List<SimDevice> devices() {
        return devices;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /** The messages of every report time in {@code (from, to]} (see REPORTING SCHEDULE). */
    public List<Telemetry> due(Instant from, Instant to) {
        List<Telemetry> out = new ArrayList<>();
        FaultPlan faults = behaviour.faults();
        for (int i = 0; i < devices.size(); i++) {
            SimDevice d = devices.get(i);
            long periodMs = d.period().toMillis();
            long phase = (long) (Noise.uniform(seed, d.id(), -1) * periodMs);
            long fromMs = from.toEpochMilli();
            long k = Math.floorDiv(fromMs - phase, periodMs) + 1; // first report strictly after from
            for (long at = phase + k * periodMs; at <= to.toEpochMilli(); at += periodMs) {
                Instant t = Instant.ofEpochMilli(at);
                if (faults.active(d.entityId(), Fault.Type.DEVICE_SILENT, t)) {
                    continue;
                }
                if (faults.active(d.entityId(), Fault.Type.MALFORMED_PAYLOAD, t)) {
                    out.add(new Telemetry(d, t, Map.of(), garbage(d, at)));
                    continue;
                }
                Map<String, Object> fields = readers.get(i).apply(d, t);
                if (fields != null) {
                    out.add(new Telemetry(d, t, fields, null));
                }
            }
        }
        return out;
    }

    /** What broken firmware sends: truncated JSON, a word where a number belongs, or binary noise. */
    private byte[] garbage(SimDevice d, long at) {
        int variant = (int) (Noise.uniform(seed ^ 23, d.id(), at) * 3);
        String first = d.fields().get(0).name();
        return switch (variant) {
            case 0 -> ("{\"" + first + "\": 12").getBytes(StandardCharsets.UTF_8);
            case 1 -> ("{\"" + first + "\": \"lots\", \"ts\": \"yesterday\"}").getBytes(StandardCharsets.UTF_8);
            default -> new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x13, (byte) 0x88};
        };
    }
}
