package io.citytwin.kpi.water;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/*
 * CCME WATER QUALITY INDEX 1.0 (Canadian Council of Ministers of the Environment, 2001; REFERENCE.md section 2):
 *
 *   F1 (scope)     = 100 * failed variables / all variables
 *   F2 (frequency) = 100 * failed tests / all tests
 *   excursion      = value/objective - 1 above a maximum; objective/value - 1 below a minimum
 *   nse            = sum of excursions / all tests
 *   F3 (amplitude) = nse / (0.01 nse + 0.01)
 *   WQI            = 100 - sqrt(F1^2 + F2^2 + F3^2) / 1.732
 *
 * Categories: Excellent 95-100, Good 80-94, Fair 65-79, Marginal 45-64, Poor 0-44. The divisor 1.732 is the
 * standard's rounding of sqrt(3), which lets the worst case dip 0.003 below 0; the result is clamped to [0, 100].
 * Tests of variables without an objective are not counted. CCME recommends at least 4 variables sampled at least 4
 * times; fewer still give a value (the caller reports how many tests it used).
 */
/** The CCME WQI of a set of tests against objectives. Stateless. */
public final class CcmeWqi {
    private CcmeWqi() {}

    /** One measurement of one variable. */
    public record Test(String variable, double value) {}

    /**
     * The index and its factors.
     *
     * @param wqi the index, 0..100
     * @param f1 scope
     * @param f2 frequency
     * @param f3 amplitude
     * @param variables variables tested
     * @param tests tests counted
     */
    public record Result(double wqi, double f1, double f2, double f3, int variables, int tests) {
        /** The CCME category of the index. */
        public String category() {
            return CcmeWqi.category(wqi);
        }
    }

    /** The CCME category name of an index value. */
    public static String category(double wqi) {
        if (wqi >= 95) {
            return "Excellent";
        }
        if (wqi >= 80) {
            return "Good";
        }
        if (wqi >= 65) {
            return "Fair";
        }
        if (wqi >= 45) {
            return "Marginal";
        }
        return "Poor";
    }

    /**
     * The WQI of {@code tests} against {@code objectives} (by variable); empty when no test has an objective.
     */
    public static Optional<Result> compute(Map<String, Objective> objectives, List<Test> tests) {
        Set<String> variables = new HashSet<>();
        Set<String> failedVariables = new HashSet<>();
        int all = 0;
        int failed = 0;
        double excursions = 0;
        for (Test t : tests) {
            Objective o = objectives.get(t.variable());
            if (o == null || Double.isNaN(t.value())) {
                continue;
            }
            all++;
            variables.add(t.variable());
            if (o.fails(t.value())) {
                failed++;
                failedVariables.add(t.variable());
                excursions += o.excursion(t.value());
            }
        }
        if (all == 0) {
            return Optional.empty();
        }
        double f1 = 100.0 * failedVariables.size() / variables.size();
        double f2 = 100.0 * failed / all;
        double nse = excursions / all;
        double f3 = nse / (0.01 * nse + 0.01);
        double wqi = 100 - Math.sqrt(f1 * f1 + f2 * f2 + f3 * f3) / 1.732;
        return Optional.of(new Result(Math.max(0, Math.min(100, wqi)), f1, f2, f3, variables.size(), all));
    }
}
