package io.citytwin.sim;

/**
 * Functional road classes with their lanes, speed limit and capacity per lane. Capacities are typical planning values
 * (HCM: about 2,000 passenger cars per lane and hour on freeways, less on signalised urban roads); speed limits are
 * the usual European urban ones.
 *
 * @param lanes lanes per direction
 * @param speedLimitKmh the posted limit, taken as the free-flow speed
 * @param capacityPerLane vehicles per lane and hour at capacity
 * @param lampSpacingMeters distance between street lamps along a segment
 * @param lampWatts rated power of one LED luminaire
 */
public enum RoadClass {
    EXPRESSWAY(3, 100, 2000, 40, 150),
    ARTERIAL(2, 60, 1800, 30, 100),
    COLLECTOR(1, 50, 1200, 35, 70),
    LOCAL(1, 30, 800, 40, 40);

    private final int lanes;
    private final int speedLimitKmh;
    private final int capacityPerLane;
    private final int lampSpacingMeters;
    private final int lampWatts;

    RoadClass(int lanes, int speedLimitKmh, int capacityPerLane, int lampSpacingMeters, int lampWatts) {
        this.lanes = lanes;
        this.speedLimitKmh = speedLimitKmh;
        this.capacityPerLane = capacityPerLane;
        this.lampSpacingMeters = lampSpacingMeters;
        this.lampWatts = lampWatts;
    }

    public int lanes() {
        return lanes;
    }

    public int speedLimitKmh() {
        return speedLimitKmh;
    }

    /** Vehicles per hour per direction at capacity. */
    public int capacity() {
        return lanes * capacityPerLane;
    }

    public int lampSpacingMeters() {
        return lampSpacingMeters;
    }

    public int lampWatts() {
        return lampWatts;
    }

    /** The class name as the twin stores it (Smart Data Models RoadSegment has no enum for it). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
