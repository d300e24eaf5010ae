package io.citytwin.kpi.air;

import java.util.List;
import java.util.OptionalInt;

/*
 * US EPA AIR QUALITY INDEX (REFERENCE.md section 1; 40 CFR 58 Appendix G, TAD EPA-454/B-24-002 of May 2024, PM2.5
 * breakpoints revised by 89 FR 16202, effective 6 May 2024).
 *
 *   I = (I_hi - I_lo) / (C_hi - C_lo) * (C - C_lo) + I_lo, rounded to the nearest integer,
 *
 * after truncating C to the precision of the table: PM2.5 to 0.1 µg/m³, PM10 to 1 µg/m³, O3 to 0.001 ppm, CO to
 * 0.1 ppm, SO2 and NO2 to 1 ppb. Truncation makes every value fall inside one row (the rows leave gaps of one unit of
 * that precision, e.g. 9.0 | 9.1). The reported AQI is the highest sub-index over the pollutants.
 *
 * Above AQI 300 implementations differ (the reference's caveat): the May 2024 TAD has one Hazardous row per pollutant
 * mapping onto 301-500 (PM2.5 225.5-325.4 -> 301-500, so 250 µg/m³ gives 350), the earlier tables split it into
 * 301-400 and 401-500 (PM2.5 225.5-325.4 -> 301-400 and 325.5-500.4 -> 401-500, so 250 gives 325). HazardousScale
 * selects; TAD_2024 is the default. Concentrations beyond the last row are "beyond the AQI" and reported as 500.
 *
 * Ozone: the 8-hour table stops at 0.200 ppm (AQI 300); above it, and wherever the 1-hour value is 0.125 ppm or more,
 * the 1-hour table applies and the higher of the two is reported. SO2: the 1-hour table stops at 304 ppb (AQI 200);
 * at 305 ppb and above the 24-hour average is used with the 305-604 / 605-1004 rows (at least 200).
 */
/** The US EPA AQI: breakpoint tables, truncation, sub-indices and categories. Stateless and thread-safe. */
public final class UsAqi {
    private UsAqi() {}

    /** How the Hazardous range (AQI above 300) is split; see the class comment. */
    public enum HazardousScale {
        /** The May 2024 TAD: one row 301-500 per pollutant. */
        TAD_2024,
        /** The earlier split rows 301-400 and 401-500. */
        SPLIT
    }

    /** One row of a breakpoint table. */
    record Row(double cLo, double cHi, int iLo, int iHi) {}

    /** The averaging metrics of the tables, with their units and truncation. */
    public enum Metric {
        /** PM2.5 24-hour (or NowCast) mean, µg/m³. */
        PM25_24H(
                10,
                List.of(
                        r(0.0, 9.0, 0, 50),
                        r(9.1, 35.4, 51, 100),
                        r(35.5, 55.4, 101, 150),
                        r(55.5, 125.4, 151, 200),
                        r(125.5, 225.4, 201, 300)),
                List.of(r(225.5, 325.4, 301, 500)),
                List.of(r(225.5, 325.4, 301, 400), r(325.5, 500.4, 401, 500))),
        /** PM10 24-hour (or NowCast) mean, µg/m³. */
        PM10_24H(
                1,
                List.of(
                        r(0, 54, 0, 50),
                        r(55, 154, 51, 100),
                        r(155, 254, 101, 150),
                        r(255, 354, 151, 200),
                        r(355, 424, 201, 300)),
                List.of(r(425, 604, 301, 500)),
                List.of(r(425, 504, 301, 400), r(505, 604, 401, 500))),
        /** O3 8-hour mean, ppm (no rows above 0.200 ppm). */
        O3_8H(
                1000,
                List.of(
                        r(0.000, 0.054, 0, 50),
                        r(0.055, 0.070, 51, 100),
                        r(0.071, 0.085, 101, 150),
                        r(0.086, 0.105, 151, 200),
                        r(0.106, 0.200, 201, 300)),
                List.of(),
                List.of()),
        /** O3 1-hour mean, ppm (no rows below 0.125 ppm). */
        O3_1H(
                1000,
                List.of(r(0.125, 0.164, 101, 150), r(0.165, 0.204, 151, 200), r(0.205, 0.404, 201, 300)),
                List.of(r(0.405, 0.604, 301, 500)),
                List.of(r(0.405, 0.504, 301, 400), r(0.505, 0.604, 401, 500))),
        /** CO 8-hour mean, ppm. */
        CO_8H(
                10,
                List.of(
                        r(0.0, 4.4, 0, 50),
                        r(4.5, 9.4, 51, 100),
                        r(9.5, 12.4, 101, 150),
                        r(12.5, 15.4, 151, 200),
                        r(15.5, 30.4, 201, 300)),
                List.of(r(30.5, 50.4, 301, 500)),
                List.of(r(30.5, 40.4, 301, 400), r(40.5, 50.4, 401, 500))),
        /** SO2 1-hour mean, ppb (up to 304 ppb). */
        SO2_1H(
                1,
                List.of(r(0, 35, 0, 50), r(36, 75, 51, 100), r(76, 185, 101, 150), r(186, 304, 151, 200)),
                List.of(),
                List.of()),
        /** SO2 24-hour mean, ppb (from 305 ppb). */
        SO2_24H(
                1,
                List.of(r(305, 604, 201, 300)),
                List.of(r(605, 1004, 301, 500)),
                List.of(r(605, 804, 301, 400), r(805, 1004, 401, 500))),
        /** NO2 1-hour mean, ppb. */
        NO2_1H(
                1,
                List.of(
                        r(0, 53, 0, 50),
                        r(54, 100, 51, 100),
                        r(101, 360, 101, 150),
                        r(361, 649, 151, 200),
                        r(650, 1249, 201, 300)),
                List.of(r(1250, 2049, 301, 500)),
                List.of(r(1250, 1649, 301, 400), r(1650, 2049, 401, 500)));

        private final double precision;
        private final List<Row> tad;
        private final List<Row> split;

        Metric(double precision, List<Row> common, List<Row> tadTop, List<Row> splitTop) {
            this.precision = precision;
            this.tad = concat(common, tadTop);
            this.split = concat(common, splitTop);
        }

        List<Row> rows(HazardousScale scale) {
            return scale == HazardousScale.TAD_2024 ? tad : split;
        }

        /** {@code c} truncated to the table's precision (never below 0). */
        public double truncate(double c) {
            if (!(c > 0)) {
                return 0;
            }
            // the epsilon keeps 9.1 (stored as 9.0999...) at 9.1; it is far below the table's precision
            return Math.floor(c * precision + 1e-6) / precision;
        }
    }

    private static Row r(double cLo, double cHi, int iLo, int iHi) {
        return new Row(cLo, cHi, iLo, iHi);
    }

    private static List<Row> concat(List<Row> a, List<Row> b) {
        java.util.ArrayList<Row> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    /**
     * The sub-index of a concentration in {@code metric}'s unit: truncated, located in its row, interpolated and
     * rounded. Empty when the table has no row for it below its range (O3 1-hour under 0.125 ppm, SO2 24-hour under
     * 305 ppb) or above it for tables that stop below AQI 500 (O3 8-hour above 0.200 ppm, SO2 1-hour above 304 ppb);
     * 500 beyond the last Hazardous row.
     */
    public static OptionalInt subIndex(Metric metric, double concentration, HazardousScale scale) {
        double c = metric.truncate(concentration);
        List<Row> rows = metric.rows(scale);
        if (c < rows.get(0).cLo()) {
            return OptionalInt.empty();
        }
        for (Row row : rows) {
            if (c <= row.cHi() + 1e-9) {
                double i = (double) (row.iHi() - row.iLo()) / (row.cHi() - row.cLo()) * (c - row.cLo()) + row.iLo();
                return OptionalInt.of((int) Math.round(Math.max(i, row.iLo())));
            }
        }
        Row last = rows.get(rows.size() - 1);
        return last.iHi() == 500 ? OptionalInt.of(500) : OptionalInt.empty();
    }

    /** The AQI categories with their EPA names. */
    public enum Category {
        GOOD("Good", 50),
        MODERATE("Moderate", 100),
        USG("Unhealthy for Sensitive Groups", 150),
        UNHEALTHY("Unhealthy", 200),
        VERY_UNHEALTHY("Very Unhealthy", 300),
        HAZARDOUS("Hazardous", Integer.MAX_VALUE);

        private final String label;
        private final int upper;

        Category(String label, int upper) {
            this.label = label;
            this.upper = upper;
        }

        /** The EPA name, e.g. {@code Unhealthy for Sensitive Groups}. */
        public String label() {
            return label;
        }

        /** The category of an AQI value. */
        public static Category of(int aqi) {
            for (Category c : values()) {
                if (aqi <= c.upper) {
                    return c;
                }
            }
            return HAZARDOUS;
        }
    }
}
