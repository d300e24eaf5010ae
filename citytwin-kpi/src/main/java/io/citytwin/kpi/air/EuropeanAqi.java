package io.citytwin.kpi.air;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/*
 * EEA EUROPEAN AIR QUALITY INDEX, 2024 revision aligned with the WHO 2021 guidelines (REFERENCE.md section 1), µg/m³.
 * PM2.5 and PM10 on a 24-hour running mean, NO2, O3 and SO2 on the hourly mean; the station takes the worst
 * pollutant's band:
 *
 *   band            PM2.5   PM10    NO2     O3      SO2
 *   1 Good          0-5     0-15    0-10    0-60    0-20
 *   2 Fair          5-15    15-45   10-25   60-100  20-40
 *   3 Moderate      15-50   45-120  25-60   100-120 40-125
 *   4 Poor          50-90   120-195 60-100  120-160 125-190
 *   5 Very poor     90-140  195-270 100-150 160-180 190-275
 *   6 Extremely poor above
 *
 * A value equal to a band's upper bound belongs to that band. The 24-hour running mean is the mean of the hourly means
 * of the last 24 hours that have readings (fewer hours after a start: the mean of those there are). CO is not part
 * of the index.
 */
/** The EEA European Air Quality Index (levels 1..6). Stateless. */
public final class EuropeanAqi {
    private EuropeanAqi() {}

    private static final Map<Pollutant, double[]> UPPER = new EnumMap<>(Map.of(
            Pollutant.PM25, new double[] {5, 15, 50, 90, 140},
            Pollutant.PM10, new double[] {15, 45, 120, 195, 270},
            Pollutant.NO2, new double[] {10, 25, 60, 100, 150},
            Pollutant.O3, new double[] {60, 100, 120, 160, 180},
            Pollutant.SO2, new double[] {20, 40, 125, 190, 275}));

    /** The level names, index = level - 1. */
    private static final String[] NAMES = {"Good", "Fair", "Moderate", "Poor", "Very poor", "Extremely poor"};

    /** The name of a level 1..6, e.g. {@code Fair}. */
    public static String name(int level) {
        return NAMES[level - 1];
    }

    /** The level (1..6) of one pollutant's concentration (µg/m³, averaged as the index requires); empty for CO. */
    public static Optional<Integer> level(Pollutant p, double concentration) {
        double[] upper = UPPER.get(p);
        if (upper == null) {
            return Optional.empty();
        }
        for (int i = 0; i < upper.length; i++) {
            if (concentration <= upper[i]) {
                return Optional.of(i + 1);
            }
        }
        return Optional.of(6);
    }

    /** A station's level from its hourly series (canonical units): the worst pollutant's; empty when none applies. */
    public static Optional<Integer> compute(Map<Pollutant, HourlySeries> series) {
        int worst = 0;
        for (Map.Entry<Pollutant, HourlySeries> e : series.entrySet()) {
            HourlySeries s = e.getValue();
            Pollutant p = e.getKey();
            if (s.isEmpty() || !UPPER.containsKey(p)) {
                continue;
            }
            double[] h = s.hourly(24);
            double c = p == Pollutant.PM25 || p == Pollutant.PM10
                    ? NowCast.mean(h, 24).orElse(0)
                    : h[0];
            worst = Math.max(worst, level(p, c).orElse(0));
        }
        return worst == 0 ? Optional.empty() : Optional.of(worst);
    }
}
