package io.citytwin.kpi.air;

import io.citytwin.kpi.air.UsAqi.HazardousScale;
import io.citytwin.kpi.air.UsAqi.Metric;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/*
 * A STATION'S CURRENT AQI from its hourly averages (REFERENCE.md section 1), the averaging EPA's current-AQI reporting
 * uses for each pollutant:
 *
 *   PM2.5, PM10  NowCast (12 h, w >= 0.5) on the 24-hour table
 *   O3           8-hour mean (at least 6 of the last 8 hours) on the 8-hour table, and the newest hour on the
 *                1-hour table when it is 0.125 ppm or more; the higher one
 *   CO           8-hour mean (at least 6 of 8 hours)
 *   NO2, SO2     the newest hourly mean; SO2 from 305 ppb on the 24-hour mean (at least 200)
 *
 * When a pollutant lacks the hours its averaging needs (a new station, a restart without history), the mean of the
 * hours it has stands in and the result is marked provisional, so that a dashboard shows a value from the first
 * reading on. The newest hour is the clock hour of the newest reading of each pollutant, possibly still filling.
 */
/** Computes a station's US AQI from its {@link HourlySeries}. Stateless. */
public final class StationAqi {
    private StationAqi() {}

    /**
     * A station's AQI.
     *
     * @param aqi the highest sub-index
     * @param category its category
     * @param dominant the pollutant of the highest sub-index (the first in {@link Pollutant} order on ties)
     * @param provisional whether a pollutant's averaging lacked hours (see the class comment)
     * @param subIndices every pollutant's sub-index
     */
    public record Result(
            int aqi,
            UsAqi.Category category,
            Pollutant dominant,
            boolean provisional,
            Map<Pollutant, Integer> subIndices) {
        public Result {
            subIndices = Collections.unmodifiableMap(new EnumMap<>(subIndices));
        }
    }

    /** The AQI over the pollutants present in {@code series} (canonical units), empty when none has readings. */
    public static Optional<Result> compute(Map<Pollutant, HourlySeries> series, HazardousScale scale) {
        EnumMap<Pollutant, Integer> subs = new EnumMap<>(Pollutant.class);
        boolean provisional = false;
        for (Map.Entry<Pollutant, HourlySeries> e : series.entrySet()) {
            HourlySeries s = e.getValue();
            if (s.isEmpty()) {
                continue;
            }
            Pollutant p = e.getKey();
            double[] h = s.hourly(24);
            Averaged a = averaged(p, h);
            provisional |= a.provisional;
            OptionalInt sub = subIndex(p, a.value, h, scale);
            if (sub.isPresent()) {
                subs.put(p, sub.getAsInt());
            }
        }
        if (subs.isEmpty()) {
            return Optional.empty();
        }
        Pollutant dominant = null;
        int max = -1;
        for (Map.Entry<Pollutant, Integer> e : subs.entrySet()) {
            if (e.getValue() > max) {
                max = e.getValue();
                dominant = e.getKey();
            }
        }
        return Optional.of(new Result(max, UsAqi.Category.of(max), dominant, provisional, subs));
    }

    private record Averaged(double value, boolean provisional) {}

    private static Averaged averaged(Pollutant p, double[] h) {
        switch (p) {
            case PM25, PM10 -> {
                OptionalDouble nc = NowCast.pm(h);
                if (nc.isPresent()) {
                    return new Averaged(nc.getAsDouble(), false);
                }
                return new Averaged(NowCast.mean(h, 12).orElse(0), true);
            }
            case O3, CO -> {
                return new Averaged(NowCast.mean(h, 8).orElse(0), NowCast.valid(h, 8) < 6);
            }
            default -> {
                return new Averaged(h[0], false);
            }
        }
    }

    private static OptionalInt subIndex(Pollutant p, double c, double[] h, HazardousScale scale) {
        return switch (p) {
            case PM25 -> UsAqi.subIndex(Metric.PM25_24H, c, scale);
            case PM10 -> UsAqi.subIndex(Metric.PM10_24H, c, scale);
            case CO -> UsAqi.subIndex(Metric.CO_8H, p.ppm(c), scale);
            case NO2 -> UsAqi.subIndex(Metric.NO2_1H, p.ppb(c), scale);
            case O3 -> {
                OptionalInt eight = UsAqi.subIndex(Metric.O3_8H, p.ppm(c), scale);
                OptionalInt one = UsAqi.subIndex(Metric.O3_1H, p.ppm(h[0]), scale);
                if (one.isPresent() && (eight.isEmpty() || one.getAsInt() > eight.getAsInt())) {
                    yield one;
                }
                yield eight.isPresent() ? eight : OptionalInt.of(300); // 8-hour above 0.200 ppm without a 1-hour value
            }
            case SO2 -> {
                double ppb = p.ppb(c);
                if (UsAqi.Metric.SO2_1H.truncate(ppb) <= 304) {
                    yield UsAqi.subIndex(Metric.SO2_1H, ppb, scale);
                }
                OptionalInt day =
                        UsAqi.subIndex(Metric.SO2_24H, p.ppb(NowCast.mean(h, 24).orElse(c)), scale);
                yield OptionalInt.of(Math.max(200, day.orElse(200)));
            }
        };
    }
}
