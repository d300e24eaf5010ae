package io.citytwin.kpi.traffic;

import java.util.Optional;

/*
 * LEVEL OF SERVICE FROM A LOOP DETECTOR (REFERENCE.md section 3):
 *
 * - density from occupancy: k = occ / g, g the effective vehicle length (6.5 m by default, the reference's ~6-7 m
 *   and the simulator's), per lane; with occupancy as a fraction, k [veh/km/ln] = occ * 1000 / g;
 * - HCM basic freeway thresholds in pc/mi/ln: A <= 11, B <= 18, C <= 26, D <= 35, E <= 45, F above;
 *   1 veh/km = 1.609344 veh/mi; vehicles are counted as passenger cars (no heavy-vehicle factor).
 *
 * The reference gives density thresholds for freeways only (signalised intersections are graded by control delay,
 * which a loop cannot measure), so every detector is graded on the density scale. Without occupancy, density is
 * flow / speed / lanes.
 */
/** HCM level of service A..F from detector density. Stateless. */
public final class LevelOfService {
    /** The default effective vehicle length g, metres. */
    public static final double DEFAULT_VEHICLE_LENGTH_M = 6.5;

    private static final double[] UPPER = {11, 18, 26, 35, 45};
    private static final String[] LETTERS = {"A", "B", "C", "D", "E", "F"};

    private LevelOfService() {}

    /** The LOS letter of a density in veh/mi/ln. */
    public static String ofDensity(double vehPerMilePerLane) {
        for (int i = 0; i < UPPER.length; i++) {
            if (vehPerMilePerLane <= UPPER[i]) {
                return LETTERS[i];
            }
        }
        return LETTERS[5];
    }

    /** Density in veh/mi/ln from an occupancy fraction (0..1) and an effective vehicle length in metres. */
    public static double densityFromOccupancy(double occupancyFraction, double vehicleLengthM) {
        return occupancyFraction * 1000 / vehicleLengthM * 1.609344;
    }

    /** Density in veh/mi/ln from flow (veh/h, all lanes), speed (km/h) and lanes; empty when speed is not positive. */
    public static Optional<Double> densityFromFlow(double flowVehPerHour, double speedKmh, int lanes) {
        if (!(speedKmh > 0) || lanes < 1) {
            return Optional.empty();
        }
        return Optional.of(flowVehPerHour / speedKmh / lanes * 1.609344);
    }
}
