package io.citytwin.kpi.energy;

import java.util.Locale;
import java.util.Optional;

/*
 * LAMP FAILURE (REFERENCE.md section 4, fault rules and the LED power model):
 *
 * - expected power at dimming level d: P_exp(d) = P_sb + (P_rated - P_sb) d, with P_sb = 0.5 W (EU Ecodesign
 *   2019/2020 standby) and d the reported illuminanceLevel (1 when absent);
 * - a lamp commanded ON that draws less than 20 % of P_exp(d) is failed (the reference's "10-20 %"; the upper end,
 *   so that a lamp running at a fifth of its power counts as dark);
 * - a lamp whose Smart Data Models status is defectiveLamp, brokenLantern or columnIssue is failed whatever it draws.
 *
 * The power verdict can only be made while the lamp is on, so it is kept ("sticky") through the day until the lamp
 * is next seen on with a plausible draw: the night's failures stay counted during the day.
 */
/** Whether a lamp is on and whether it has failed. */
public final class LampHealth {
    /** Standby power of a networked luminaire, W. */
    public static final double STANDBY_W = 0.5;
    /** The share of the expected power below which a lamp that is on counts as failed. */
    public static final double FAILED_SHARE = 0.2;

    private LampHealth() {}

    /** Whether a reported powerState means on ({@code on}, {@code true}, {@code 1}). */
    public static boolean isOn(Object powerState) {
        if (powerState instanceof Boolean b) {
            return b;
        }
        if (powerState instanceof Number n) {
            return n.doubleValue() > 0;
        }
        String s = String.valueOf(powerState).toLowerCase(Locale.ROOT);
        return s.equals("on") || s.equals("true");
    }

    /** Whether an SDM Streetlight status names a failure. */
    public static boolean failedStatus(String status) {
        return switch (status) {
            case "defectiveLamp", "brokenLantern", "columnIssue" -> true;
            default -> false;
        };
    }

    /**
     * The power verdict of a lamp that is on: true = failed, false = working; empty when the rated power or the
     * power reading is unknown.
     */
    public static Optional<Boolean> powerFailed(double powerW, double ratedW, double dimming) {
        if (!(ratedW > 0) || Double.isNaN(powerW)) {
            return Optional.empty();
        }
        double d = Double.isNaN(dimming) ? 1 : Math.max(0, Math.min(1, dimming));
        double expected = STANDBY_W + (ratedW - STANDBY_W) * d;
        return Optional.of(powerW < FAILED_SHARE * expected);
    }
}
