package io.citytwin.kpi.water;

/**
 * A water-quality objective (limit) of one variable: a range {@code [min, max]} (either side may be open), or "not
 * detected" (a count that must be 0).
 *
 * <p>Excursions (CCME WQI 1.0, REFERENCE.md section 2): above a maximum {@code value/max - 1}; below a minimum
 * ("must not fall below") {@code min/value - 1}. A "not detected" objective (0) has no finite ratio: its failed
 * test's excursion is the count itself ({@code value / 1}, one detection-limit unit per count), our choice, since
 * {@code value/0 - 1} is undefined.
 *
 * @param variable the attribute term, e.g. {@code turbidity}
 * @param min the lowest acceptable value, {@code -Infinity} for none
 * @param max the highest acceptable value, {@code +Infinity} for none
 * @param notDetected whether any value above 0 fails (E. coli)
 * @param source where the limit comes from, e.g. {@code GB 5749-2022}
 */
public record Objective(String variable, double min, double max, boolean notDetected, String source) {
    public Objective {
        if (min > max) {
            throw new IllegalArgumentException("objective " + variable + ": min " + min + " above max " + max);
        }
    }

    /** A "not above" objective. */
    public static Objective atMost(String variable, double max, String source) {
        return new Objective(variable, Double.NEGATIVE_INFINITY, max, false, source);
    }

    /** A "not below" objective. */
    public static Objective atLeast(String variable, double min, String source) {
        return new Objective(variable, min, Double.POSITIVE_INFINITY, false, source);
    }

    /** A range objective. */
    public static Objective between(String variable, double min, double max, String source) {
        return new Objective(variable, min, max, false, source);
    }

    /** A "not detected" objective (counts per 100 mL). */
    public static Objective notDetected(String variable, String source) {
        return new Objective(variable, 0, 0, true, source);
    }

    /** Whether {@code value} fails this objective. */
    public boolean fails(double value) {
        if (notDetected) {
            return value > 0;
        }
        return value > max || value < min;
    }

    /** The excursion of a failed test (0 for a test that passes); see the class comment. */
    public double excursion(double value) {
        if (!fails(value)) {
            return 0;
        }
        if (notDetected) {
            return value;
        }
        if (value > max) {
            return max > 0 ? value / max - 1 : value;
        }
        return value > 0 ? min / value - 1 : min; // a value of 0 under a positive minimum: one unit per unit missing
    }
}
