package io.citytwin.kpi.air;

import java.time.Instant;

/**
 * The hourly averages of one pollutant at one station over the last {@value #HOURS} clock hours (UTC hours of the
 * readings' observedAt), as NowCast and the 8- and 24-hour means need them. Readings are added as they come; a reading
 * older than the window is ignored. Not thread-safe (one owner).
 */
public final class HourlySeries {
    /** How many hours are kept. */
    public static final int HOURS = 24;

    private final long[] hour = new long[HOURS];
    private final double[] sum = new double[HOURS];
    private final int[] count = new int[HOURS];
    private long latest = Long.MIN_VALUE;

    public HourlySeries() {
        java.util.Arrays.fill(hour, Long.MIN_VALUE);
    }

    /** Adds a reading observed at {@code at}. */
    public void add(Instant at, double value) {
        long h = Math.floorDiv(at.getEpochSecond(), 3600);
        if (latest != Long.MIN_VALUE && h <= latest - HOURS) {
            return;
        }
        int i = Math.floorMod(h, HOURS);
        if (hour[i] != h) {
            hour[i] = h;
            sum[i] = 0;
            count[i] = 0;
        }
        sum[i] += value;
        count[i]++;
        latest = Math.max(latest, h);
    }

    /** Whether any reading was added. */
    public boolean isEmpty() {
        return latest == Long.MIN_VALUE;
    }

    /** The hour (epoch hours) of the newest reading. */
    public long latestHour() {
        return latest;
    }

    /**
     * The last {@code n} hourly averages ending at {@code endHour} (epoch hours), newest first; {@code NaN} for hours
     * without readings.
     */
    public double[] hourly(long endHour, int n) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            long h = endHour - k;
            int i = Math.floorMod(h, HOURS);
            out[k] = k < HOURS && hour[i] == h && count[i] > 0 ? sum[i] / count[i] : Double.NaN;
        }
        return out;
    }

    /** The last {@code n} hourly averages ending at the newest hour, newest first (all NaN when empty). */
    public double[] hourly(int n) {
        if (isEmpty()) {
            double[] out = new double[n];
            java.util.Arrays.fill(out, Double.NaN);
            return out;
        }
        return hourly(latest, n);
    }
}
