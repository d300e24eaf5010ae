package io.citytwin.sim;

import io.citytwin.sim.City.AirStation;
import io.citytwin.sim.City.Cabinet;
import io.citytwin.sim.City.Detector;
import io.citytwin.sim.City.Dma;
import io.citytwin.sim.City.EnergyMeter;
import io.citytwin.sim.City.EvCharger;
import io.citytwin.sim.City.Lamp;
import io.citytwin.sim.City.ParkingSpot;
import io.citytwin.sim.City.RoadSegment;
import io.citytwin.sim.City.Vehicle;
import io.citytwin.sim.City.WasteContainer;
import io.citytwin.sim.City.WaterMeter;
import io.citytwin.sim.City.WaterQualityStation;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * HOW THE CITY BEHAVES (every reading is a pure function of the city, the time and the active faults)
 *
 * Traffic. Demand as a share of capacity follows a weekday profile with a morning peak (08:00) and a longer evening
 * peak (17:30) over a night base of 0.08, and a single afternoon hump at weekends. Flow, density and speed are tied
 * by Greenshields' fundamental diagram, v = vf (1 - k/kj), q = vf k (1 - k/kj), with vf the speed limit and kj = 130
 * veh/km/lane, so capacity is vf kj / 4 at the critical density kj / 2. Demand below capacity takes the uncongested
 * branch k = kj/2 (1 - sqrt(1 - q/qmax)); demand above capacity (recurrent congestion on the busiest segments at
 * the peaks, or an incident's capacity drop of 60 %) takes the congested branch with the capacity as flow. Occupancy
 * is k times an effective vehicle length of 6.5 m (REFERENCE.md section 3: k = occ/g). Downstream of an incident
 * flow is metered to the reduced capacity and runs free. At the incident itself traffic slows down even when the
 * demand fits through the remaining capacity (nights, off-peak): its free-flow speed is half the limit, so the
 * station shows a local slowdown at low occupancy next to a free-flowing downstream station.
 *
 * Lighting. Lamps are on while the sun is below -0.833 degrees (Sun), on the schedule of CEN/TR 13201-1 practice
 * (REFERENCE.md section 4): 100 % until 22:00, 75 % to midnight, 50 % from 00:00 to 05:00, then 100 % until dawn.
 * Power P(d) = P_sb + (P_rated - P_sb) d with P_sb = 0.5 W (Ecodesign standby), power factor 0.95 at full output
 * falling at deep dimming, mains 230 V. A failed lamp draws standby power only while commanded on; a day-burner
 * stays on at 100 % in daylight; a cabinet outage silences its lamps and zeroes the cabinet's feeder current.
 *
 * Water. A DMA's inlet flow is households x 12.5 L/h mean demand x a diurnal factor with the minimum night flow at
 * 03:00 (0.25) and peaks at 07:30 and 19:30, plus background leakage of 40 L/km/h of mains (SANFLOW default,
 * REFERENCE.md section 2); a leak adds a burst flow of 1.5 to 4 L/s for the DMA, which shows most at night. Inlet
 * pressure falls with the square of the flow (head loss). Quality stays within WHO / GB 5749 limits (turbidity
 * ~0.15 NTU, free chlorine ~0.45 mg/L, pH ~7.5, no E. coli) until contaminated.
 *
 * Air. NO2 and particles rise with the city's traffic profile (and O3 with daylight); an episode multiplies NO2 and
 * PM by 3 to 5. Energy: household load peaks in the morning and evening, buildings in office hours; a tampered
 * meter reports 30 % of the load. Parking, chargers and waste follow day and week shapes; vehicles shuttle along
 * their road at the speed traffic allows.
 *
 * Noise comes from Noise, keyed by thing and by a time bucket, so replaying a day gives the same readings.
 */
/** The readings of every device of a {@link City} at a given time, with the {@link FaultPlan}'s faults applied. */
public final class Behaviour {
    static final double JAM_DENSITY = 130; // veh/km/lane
    static final double VEHICLE_LENGTH_M = 6.5;
    /** Free-flow speed past an incident as a share of the limit (a blocked lane, drivers slowing to look). */
    static final double INCIDENT_SPEED_SHARE = 0.5;

    static final double STANDBY_W = 0.5;
    static final double MAINS_V = 230;

    private final City city;
    private final ZoneId zone;
    private final FaultPlan faults;
    private final long seed;
    private final double lat;
    private final double lon;
    private final Map<String, RoadSegment> roads = new HashMap<>();
    private final Map<String, Detector> upstreamOf = new HashMap<>();
    private final Map<String, Dma> dmas = new HashMap<>();
    private final Map<String, List<RoadSegment>> roadLines = new HashMap<>();
    private final Map<String, Line> lineOfRoad = new HashMap<>();

    /** A whole road (every segment of one grid line): where it starts and ends, and its length in metres. */
    private record Line(Point a, Point b, double length) {}

    public Behaviour(City city, ZoneId zone, FaultPlan faults) {
        this.city = city;
        this.zone = zone;
        this.faults = faults;
        this.seed = city.spec().seed();
        double[] centre = city.spec()
                .lonLat(new Point(city.spec().sideMeters() / 2, city.spec().sideMeters() / 2));
        this.lon = centre[0];
        this.lat = centre[1];
        for (RoadSegment r : city.roads()) {
            roads.put(r.id(), r);
            roadLines
                    .computeIfAbsent(r.id().substring(0, r.id().lastIndexOf('-')), k -> new java.util.ArrayList<>())
                    .add(r);
        }
        for (List<RoadSegment> segments : roadLines.values()) {
            double length = 0;
            for (RoadSegment r : segments) {
                length += r.lengthMeters();
            }
            Line line = new Line(
                    segments.get(0).start(), segments.get(segments.size() - 1).end(), length);
            for (RoadSegment r : segments) {
                lineOfRoad.put(r.id(), line);
            }
        }
        upstreamOf.putAll(city.upstreamOf());
        for (Dma d : city.dmas()) {
            dmas.put(d.id(), d);
        }
    }

    public City city() {
        return city;
    }

    public FaultPlan faults() {
        return faults;
    }

    // ---------------------------------------------------------------- profiles

    private ZonedDateTime local(Instant t) {
        return t.atZone(zone);
    }

    private static double hourOf(ZonedDateTime z) {
        return z.getHour() + z.getMinute() / 60.0 + z.getSecond() / 3600.0;
    }

    private static double bump(double h, double centre, double width) {
        double d = (h - centre) / width;
        return Math.exp(-0.5 * d * d);
    }

    /** Traffic demand as a share of capacity (0..~1) at {@code t}, before per-segment variation. */
    public double trafficProfile(Instant t) {
        ZonedDateTime z = local(t);
        double h = hourOf(z);
        boolean weekend = z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY;
        if (weekend) {
            return 0.08 + 0.45 * bump(h, 14, 3.0);
        }
        return 0.08 + 0.82 * bump(h, 8, 1.1) + 0.45 * bump(h, 12.5, 2.5) + 0.88 * bump(h, 17.5, 1.5);
    }

    /** The diurnal factor of water demand (mean 1 over a day, minimum ~0.25 at 03:00). */
    static double waterProfile(double h) {
        return 0.25 + 1.45 * bump(h, 7.5, 1.3) + 0.55 * bump(h, 13, 2.5) + 1.15 * bump(h, 19.5, 1.8);
    }

    /** The lamp output (0..1) at {@code t} by the dimming schedule, 0 in daylight. */
    public double dimming(Instant t) {
        if (!Sun.isNight(t, lat, lon)) {
            return 0;
        }
        double h = hourOf(local(t));
        if (h >= 22) {
            return 0.75;
        }
        if (h < 5) {
            return 0.5;
        }
        return 1.0;
    }

    // ---------------------------------------------------------------- lighting

    /** A lamp's reading, or null when the lamp is silent (cabinet outage). */
    public @Nullable Map<String, Object> lamp(Lamp l, Instant t) {
        if (faults.active(l.cabinet(), Fault.Type.CABINET_OUTAGE, t)) {
            return null;
        }
        double d = output(l, t);
        double watts = watts(l, d, t);
        boolean on = d > 0;
        double pf = on ? 0.95 - 0.25 * (1 - d) : 0.5;
        double volts = MAINS_V + 2 * Noise.gaussian(seed ^ 1, l.id(), t.getEpochSecond() / 60);
        return Map.of(
                "powerState",
                on ? "on" : "off",
                "illuminanceLevel",
                round(d, 2),
                "powerConsumption",
                round(watts, 1),
                "current",
                round(watts / (volts * pf), 3),
                "voltage",
                round(volts, 1),
                "powerFactor",
                round(pf, 2));
    }

    /** A lamp's output (0..1): the dimming schedule, or full in daylight for a day-burner. */
    private double output(Lamp l, Instant t) {
        double d = dimming(t);
        if (d == 0 && faults.active(l.id(), Fault.Type.DAY_BURNER, t)) {
            return 1.0;
        }
        return d;
    }

    /** The power (W) a lamp draws at output {@code d}. */
    private double watts(Lamp l, double d, Instant t) {
        if (d <= 0) {
            return STANDBY_W;
        }
        if (faults.active(l.id(), Fault.Type.LAMP_FAILURE, t)) {
            return STANDBY_W + 0.2 * Noise.uniform(seed, l.id(), t.getEpochSecond() / 60);
        }
        return (STANDBY_W + (l.watts() - STANDBY_W) * d)
                * (1 + 0.02 * Noise.gaussian(seed, l.id(), t.getEpochSecond() / 60));
    }

    /** A cabinet's feeder reading: the summed power and current of its lamps (0 in an outage). */
    public Map<String, Object> cabinet(Cabinet c, List<Lamp> lamps, Instant t) {
        double watts = 0;
        if (!faults.active(c.id(), Fault.Type.CABINET_OUTAGE, t)) {
            double dim = dimming(t); // the same for every lamp of the cabinet: the sun and the clock
            for (Lamp l : lamps) {
                double d = dim == 0 && faults.active(l.id(), Fault.Type.DAY_BURNER, t) ? 1.0 : dim;
                watts += round(watts(l, d, t), 1); // summed as the lamps report it
            }
        }
        // immutable: Telemetry keeps it without a copy (field order comes from the device)
        return Map.of(
                "activePower", round(watts / 1000, 3),
                "current", round(watts / MAINS_V, 2));
    }

    // ---------------------------------------------------------------- traffic

    /** Flow (veh/h), occupancy (0..1) and mean speed (km/h) at a detector. */
    public Map<String, Object> detector(Detector d, Instant t) {
        RoadSegment r = roads.get(d.road());
        long bucket = t.getEpochSecond() / 60;
        double vf = r.speedLimitKmh();
        double lanes = r.lanes();
        double qmax = vf * JAM_DENSITY / 4 * lanes; // veh/h over all lanes
        double variation = 0.8 + 0.35 * Noise.uniform(seed, r.id(), 0); // busier and quieter segments, fixed
        double demand = trafficProfile(t) * variation * (1 + 0.05 * Noise.gaussian(seed, d.id(), bucket)) * qmax;
        double capacity = qmax;
        boolean incidentHere = faults.active(d.id(), Fault.Type.TRAFFIC_INCIDENT, t);
        Detector up = upstreamOf.get(d.id());
        boolean incidentUpstream = up != null && faults.active(up.id(), Fault.Type.TRAFFIC_INCIDENT, t);
        if (incidentHere) {
            capacity = 0.4 * qmax;
        }
        // past an incident drivers slow down (a blocked lane, rubbernecking) even when the demand fits through the
        // remaining capacity: the free-flow speed at the site drops to INCIDENT_SPEED_SHARE of the limit
        double vfHere = incidentHere ? INCIDENT_SPEED_SHARE * vf : vf;
        double flow;
        double density; // veh/km/lane
        if (incidentUpstream) {
            flow = Math.min(demand, 0.4 * qmax); // metered by the incident, then free-flowing
            density = freeBranch(flow / lanes, vf);
        } else if (demand <= capacity) {
            flow = demand;
            density = freeBranch(flow / lanes, vfHere);
        } else {
            flow = capacity * (0.9 + 0.05 * Noise.uniform(seed ^ 7, d.id(), bucket));
            density = congestedBranch(flow / lanes, vf);
        }
        double speed = density <= 0 ? vfHere : Math.max(3, vfHere * (1 - density / JAM_DENSITY));
        double occupancy = Math.min(1, density * VEHICLE_LENGTH_M / 1000);
        // immutable: Telemetry keeps it without a copy (field order comes from the device)
        return Map.of(
                "intensity", Math.round(flow),
                "occupancy", round(occupancy, 3),
                "averageVehicleSpeed", round(speed, 1));
    }

    /** Density (veh/km/lane) on the uncongested branch for a flow per lane. */
    static double freeBranch(double flowPerLane, double vf) {
        double qmax = vf * JAM_DENSITY / 4;
        double x = Math.min(1, flowPerLane / qmax);
        return JAM_DENSITY / 2 * (1 - Math.sqrt(1 - x));
    }

    /** Density (veh/km/lane) on the congested branch for a flow per lane. */
    static double congestedBranch(double flowPerLane, double vf) {
        double qmax = vf * JAM_DENSITY / 4;
        double x = Math.min(1, flowPerLane / qmax);
        return JAM_DENSITY / 2 * (1 + Math.sqrt(1 - x));
    }

    // ---------------------------------------------------------------- water

    /** Inlet flow of a DMA in m3/h. */
    public double dmaFlow(Dma d, Instant t) {
        double h = hourOf(local(t));
        double demand = d.households() * 0.0125 * waterProfile(h);
        double background = 0.04 * d.mainsKm();
        double leak = 0;
        if (faults.active(d.id(), Fault.Type.WATER_LEAK, t)) {
            leak = 3.6 * (1.5 + 2.5 * Noise.uniform(seed, d.id() + "#leak", faults.startOf(d.id(), t)));
        }
        return Math.max(
                0, (demand + background) * (1 + 0.03 * Noise.gaussian(seed, d.id(), t.getEpochSecond() / 60)) + leak);
    }

    /** A DMA inlet meter's reading: flow in m3/h, or pressure in bar. */
    public Map<String, Object> waterMeter(WaterMeter w, Instant t) {
        Dma d = dmas.get(w.dma());
        double flow = dmaFlow(d, t);
        Map<String, Object> m = new LinkedHashMap<>();
        if (w.kind() == WaterMeter.Kind.FLOW) {
            m.put("flow", round(flow, 2));
        } else {
            double peak = d.households() * 0.0125 * 1.9 + 0.04 * d.mainsKm() + 15;
            double pressure = 4.8 - 1.2 * Math.pow(Math.min(1.5, flow / peak), 2);
            m.put("pressure", round(pressure + 0.02 * Noise.gaussian(seed, w.id(), t.getEpochSecond() / 60), 2));
        }
        return m;
    }

    /** Drinking-water quality at a station. */
    public Map<String, Object> waterQuality(WaterQualityStation q, Instant t) {
        long bucket = t.getEpochSecond() / 300;
        boolean bad = faults.active(q.id(), Fault.Type.CONTAMINATION, t);
        double turbidity = bad
                ? 3 + 3 * Noise.uniform(seed, q.id(), bucket)
                : 0.15 + 0.04 * Math.abs(Noise.gaussian(seed, q.id(), bucket));
        double chlorine = bad ? 0.05 : 0.45 + 0.04 * Noise.gaussian(seed ^ 3, q.id(), bucket);
        double eColi = bad ? Math.round(10 + 190 * Noise.uniform(seed ^ 5, q.id(), bucket)) : 0;
        // immutable: Telemetry keeps it without a copy (field order comes from the device)
        return Map.of(
                "turbidity", round(turbidity, 2),
                "freeChlorine", round(Math.max(0, chlorine), 2),
                "pH", round(7.5 + 0.08 * Noise.gaussian(seed ^ 9, q.id(), bucket), 2),
                "eColi", (long) eColi,
                "temperature", round(11 + 4 * Math.sin(2 * Math.PI * (local(t).getDayOfYear() - 110) / 365.0), 1));
    }

    // ---------------------------------------------------------------- air, energy, parking, chargers, waste

    /** Pollutant concentrations (ug/m3) at an air station. */
    public Map<String, Object> air(AirStation a, Instant t) {
        long bucket = t.getEpochSecond() / 300;
        double traffic = trafficProfile(t);
        double factor = faults.active(a.id(), Fault.Type.POLLUTION_EPISODE, t)
                ? 3 + 2 * Noise.uniform(seed, a.id(), faults.startOf(a.id(), t))
                : 1;
        double no2 = (14 + 45 * traffic) * factor * (1 + 0.08 * Noise.gaussian(seed, a.id(), bucket));
        double pm25 = (7 + 12 * traffic) * factor * (1 + 0.1 * Noise.gaussian(seed ^ 11, a.id(), bucket));
        double daylight = Math.min(1, Sun.illuminance(t, lat, lon) / 100_000);
        double o3 = Math.max(2, 35 + 50 * daylight - 25 * traffic + 5 * Noise.gaussian(seed ^ 13, a.id(), bucket));
        // immutable: Telemetry keeps it without a copy (field order comes from the device)
        return Map.of(
                "no2", round(Math.max(0, no2), 1),
                "pm25", round(Math.max(0, pm25), 1),
                "pm10", round(Math.max(0, pm25 * 1.6), 1),
                "o3", round(o3, 1));
    }

    /** Active power (kW) of a meter, as reported (a tampered meter under-reports). */
    public Map<String, Object> energyMeter(EnergyMeter e, Instant t) {
        ZonedDateTime z = local(t);
        double h = hourOf(z);
        boolean weekend = z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY;
        double shape = e.building()
                ? (weekend ? 0.4 : 0.4 + 1.3 * (bump(h, 13, 3.5)))
                : 0.45 + 0.7 * bump(h, 7.5, 1.2) + 1.4 * bump(h, 19.5, 2.0);
        double kw = e.meanKw() * shape * (1 + 0.1 * Noise.gaussian(seed, e.id(), t.getEpochSecond() / 300));
        if (faults.active(e.id(), Fault.Type.METER_TAMPERING, t)) {
            kw *= 0.3;
        }
        return Map.of("activePower", round(Math.max(0, kw), 3));
    }

    /** Whether a parking spot is occupied (stable within 15 minutes). */
    public Map<String, Object> parking(ParkingSpot p, Instant t) {
        double h = hourOf(local(t));
        double occupied = 0.55 + 0.3 * bump(h, 2, 4) + 0.3 * bump(h, 22, 2) - 0.2 * bump(h, 11, 3);
        boolean taken = Noise.uniform(seed, p.id(), t.getEpochSecond() / 900) < occupied;
        return Map.of("status", taken ? "occupied" : "free");
    }

    /** Free sockets of a charging station. */
    public Map<String, Object> charger(EvCharger c, Instant t) {
        double h = hourOf(local(t));
        double busy = 0.15 + 0.5 * bump(h, 19, 2.5) + 0.3 * bump(h, 10, 2);
        int inUse = 0;
        for (int s = 0; s < c.sockets(); s++) {
            if (Noise.uniform(seed, c.id() + "#" + s, t.getEpochSecond() / 1800) < busy) {
                inUse++;
            }
        }
        // immutable: Telemetry keeps it without a copy (field order comes from the device)
        return Map.of("availableCapacity", c.sockets() - inUse, "status", inUse == c.sockets() ? "full" : "available");
    }

    /** Filling level (0..1) of a container: rises through the week, emptied on its collection day. */
    public Map<String, Object> waste(WasteContainer w, Instant t) {
        int collectionDay = 1 + (int) (Noise.uniform(seed, w.id(), 0) * 6); // Monday..Saturday
        ZonedDateTime z = local(t);
        int daysSince = Math.floorMod(z.getDayOfWeek().getValue() - collectionDay, 7);
        double hours = daysSince * 24 + hourOf(z) - 6;
        if (hours < 0) {
            hours += 7 * 24;
        }
        double rate = 0.004 + 0.002 * Noise.uniform(seed ^ 17, w.id(), 0);
        return Map.of("fillingLevel", round(Math.min(1, hours * rate), 2));
    }

    // ---------------------------------------------------------------- vehicles

    /** Position, speed (km/h) and heading (degrees from north) of a vehicle shuttling along its road. */
    public Map<String, Object> vehicle(Vehicle v, Instant t) {
        RoadSegment start = roads.get(v.road());
        Line line = lineOfRoad.get(v.road());
        double length = line.length();
        double speedKmh = Math.max(8, start.speedLimitKmh() * (1 - 0.5 * trafficProfile(t)))
                * (0.9 + 0.2 * Noise.uniform(seed, v.id(), 0));
        double offset = Noise.uniform(seed ^ 19, v.id(), 0) * 2 * length;
        double s = (offset + speedKmh / 3.6 * (t.getEpochSecond() % 86_400)) % (2 * length);
        boolean back = s > length;
        double along = back ? 2 * length - s : s;
        Point a = line.a();
        Point b = line.b();
        Point at = a.towards(b, along / length);
        double dx = (b.x() - a.x()) * (back ? -1 : 1);
        double dy = (b.y() - a.y()) * (back ? -1 : 1);
        double heading = (Math.toDegrees(Math.atan2(dx, dy)) + 360) % 360;
        double[] ll = city.spec().lonLat(at);
        // [lon, lat] is a geo:point field; immutable: Telemetry keeps the map without a copy
        return Map.of("speed", round(speedKmh, 1), "heading", round(heading, 0), "location", List.of(ll[0], ll[1]));
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
