package io.citytwin.kpi.traffic;

import java.util.Optional;

/*
 * SPEED RATIO AND TRAVEL TIME INDEX (REFERENCE.md section 3, FHWA Urban Congestion Report and PeMS):
 *
 * - speed ratio = observed speed / free-flow speed; FHWA calls a segment congested below 0.9. The free-flow speed is
 *   the detector's or its road segment's freeFlowSpeed when given, else the segment's speed limit
 *   (maximumAllowedSpeed), the simulator's free-flow speed.
 * - TTI of a segment = T / T_ff = v_ff / v, at least 1 (a segment faster than free flow is not "less congested than
 *   free").
 * - TTI of an area = sum(len_i * TTI_i) / sum(len_i) over its segments with a speed: length-weighted, so that a long
 *   jammed arterial counts more than a short side street. When any segment's length is unknown, all weigh the same.
 */
/** Speed ratio and the travel time index. Stateless. */
public final class TravelTime {
    private TravelTime() {}

    /** Observed over free-flow speed; empty unless both are positive. */
    public static Optional<Double> speedRatio(double speed, double freeFlowSpeed) {
        if (!(freeFlowSpeed > 0) || !(speed >= 0)) {
            return Optional.empty();
        }
        return Optional.of(speed / freeFlowSpeed);
    }

    /** The TTI of one segment, at least 1; a standstill (speed 0) counts as {@code maxIndex}. */
    public static double segmentIndex(double speed, double freeFlowSpeed, double maxIndex) {
        if (!(speed > 0)) {
            return maxIndex;
        }
        return Math.min(maxIndex, Math.max(1, freeFlowSpeed / speed));
    }

    /** Accumulates a length-weighted TTI over segments. Not thread-safe. */
    public static final class Aggregate {
        private double weighted;
        private double length;
        private double plain;
        private int count;
        private boolean unknownLength;

        /** Adds a segment's TTI with its length in metres (NaN or not positive: unknown). */
        public void add(double tti, double lengthM) {
            plain += tti;
            count++;
            if (lengthM > 0) {
                weighted += tti * lengthM;
                length += lengthM;
            } else {
                unknownLength = true;
            }
        }

        /** The index; empty without segments. */
        public Optional<Double> value() {
            if (count == 0) {
                return Optional.empty();
            }
            return Optional.of(unknownLength || length == 0 ? plain / count : weighted / length);
        }
    }
}
