package io.citytwin.kpi.air;

import java.util.OptionalDouble;

/*
 * NOWCAST (REFERENCE.md section 1, after AirNow; verified against aeolus):
 *
 *   take the last 12 hourly averages c1 (newest) .. c12; w* = cmin / cmax over the valid ones;
 *   w = max(w*, 0.5) for PM (w = w* for O3); NowCast = sum(w^(i-1) c_i) / sum(w^(i-1)) over the valid hours.
 *
 * At least 2 of the 3 newest hours must be valid, otherwise there is no NowCast. When every valid value is 0 the
 * weight is 1 and the NowCast 0.
 */
/** The EPA NowCast of hourly averages. Stateless. */
public final class NowCast {
    /** The weight floor for particles. */
    public static final double PM_MIN_WEIGHT = 0.5;

    private NowCast() {}

    /** The PM NowCast (12 hours, weight at least 0.5) of hourly averages, newest first, NaN for missing hours. */
    public static OptionalDouble pm(double[] hourlyNewestFirst) {
        return of(hourlyNewestFirst, 12, PM_MIN_WEIGHT);
    }

    /**
     * The NowCast of the first {@code hours} of {@code hourlyNewestFirst} with the weight floor {@code minWeight}
     * (0.5 for PM, 0 for O3).
     */
    public static OptionalDouble of(double[] hourlyNewestFirst, int hours, double minWeight) {
        int n = Math.min(hours, hourlyNewestFirst.length);
        int recent = 0;
        for (int i = 0; i < Math.min(3, n); i++) {
            if (!Double.isNaN(hourlyNewestFirst[i])) {
                recent++;
            }
        }
        if (recent < 2) {
            return OptionalDouble.empty();
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double c = hourlyNewestFirst[i];
            if (!Double.isNaN(c)) {
                min = Math.min(min, c);
                max = Math.max(max, c);
            }
        }
        double w = max <= 0 ? 1 : Math.max(min / max, minWeight);
        double num = 0;
        double den = 0;
        double wi = 1;
        for (int i = 0; i < n; i++) {
            double c = hourlyNewestFirst[i];
            if (!Double.isNaN(c)) {
                num += wi * c;
                den += wi;
            }
            wi *= w;
        }
        return OptionalDouble.of(num / den);
    }

    /** The mean of the valid values among the first {@code n}, empty when none is valid. */
    static OptionalDouble mean(double[] values, int n) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < Math.min(n, values.length); i++) {
            if (!Double.isNaN(values[i])) {
                sum += values[i];
                count++;
            }
        }
        return count == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / count);
    }

    /** The number of valid values among the first {@code n}. */
    static int valid(double[] values, int n) {
        int count = 0;
        for (int i = 0; i < Math.min(n, values.length); i++) {
            if (!Double.isNaN(values[i])) {
                count++;
            }
        }
        return count;
    }
}
