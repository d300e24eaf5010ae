package io.citytwin.kpi.water;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.citytwin.kpi.water.CcmeWqi.Test;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class CcmeWqiTest {
    private static final Map<String, Objective> OBJECTIVES = DrinkingWaterLimits.GB_5749_2022.objectives();

    @org.junit.jupiter.api.Test
    void workedExample_fourVariablesFourTests() {
        List<Test> tests = new ArrayList<>();
        for (double v : new double[] {0.5, 2.0, 0.5, 0.5}) { // one failure, excursion 2/1 - 1 = 1
            tests.add(new Test("turbidity", v));
        }
        for (double v : new double[] {7, 7, 9.35, 7}) { // one failure, excursion 9.35/8.5 - 1 = 0.1
            tests.add(new Test("pH", v));
        }
        for (double v : new double[] {0, 0, 0, 0}) {
            tests.add(new Test("eColi", v));
        }
        for (double v : new double[] {0.4, 0.4, 0.4, 0.025}) { // must not fall below 0.05: 0.05/0.025 - 1 = 1
            tests.add(new Test("freeChlorine", v));
        }
        CcmeWqi.Result r = CcmeWqi.compute(OBJECTIVES, tests).orElseThrow();
        double f1 = 100.0 * 3 / 4;
        double f2 = 100.0 * 3 / 16;
        double nse = (1 + 0.1 + 1) / 16;
        double f3 = nse / (0.01 * nse + 0.01);
        assertThat(r.f1()).isCloseTo(f1, within(1e-9));
        assertThat(r.f2()).isCloseTo(f2, within(1e-9));
        assertThat(r.f3()).isCloseTo(f3, within(1e-9));
        assertThat(r.wqi()).isCloseTo(100 - Math.sqrt(f1 * f1 + f2 * f2 + f3 * f3) / 1.732, within(1e-9));
        assertThat(r.wqi()).isCloseTo(54.86, within(0.01));
        assertThat(r.category()).isEqualTo("Marginal");
        assertThat(r.tests()).isEqualTo(16);
        assertThat(r.variables()).isEqualTo(4);
    }

    @org.junit.jupiter.api.Test
    void everythingWithinObjectives_is100_andUnknownVariablesDoNotCount() {
        CcmeWqi.Result r = CcmeWqi.compute(
                        OBJECTIVES,
                        List.of(new Test("turbidity", 0.2), new Test("pH", 7.4), new Test("temperature", 40)))
                .orElseThrow();
        assertThat(r.wqi()).isEqualTo(100);
        assertThat(r.category()).isEqualTo("Excellent");
        assertThat(r.tests()).isEqualTo(2);
        assertThat(CcmeWqi.compute(OBJECTIVES, List.of(new Test("temperature", 12))))
                .isEmpty();
    }

    @org.junit.jupiter.api.Test
    void eColi_excursionIsTheCount() {
        CcmeWqi.Result r =
                CcmeWqi.compute(OBJECTIVES, List.of(new Test("eColi", 99))).orElseThrow();
        double f3 = 99 / (0.01 * 99 + 0.01);
        assertThat(r.wqi())
                .isCloseTo(Math.max(0, 100 - Math.sqrt(100 * 100 + 100 * 100 + f3 * f3) / 1.732), within(1e-9));
    }

    @org.junit.jupiter.api.Test
    void categories() {
        assertThat(CcmeWqi.category(95)).isEqualTo("Excellent");
        assertThat(CcmeWqi.category(94.9)).isEqualTo("Good");
        assertThat(CcmeWqi.category(65)).isEqualTo("Fair");
        assertThat(CcmeWqi.category(45)).isEqualTo("Marginal");
        assertThat(CcmeWqi.category(44.9)).isEqualTo("Poor");
    }

    @Property
    void wqi_staysIn0to100(@ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0, max = 1e6) Double> values) {
        String[] vars = {"turbidity", "pH", "eColi", "freeChlorine", "NO3"};
        List<Test> tests = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            tests.add(new Test(vars[i % vars.length], values.get(i)));
        }
        assertThat(CcmeWqi.compute(OBJECTIVES, tests).orElseThrow().wqi()).isBetween(0.0, 100.0);
    }
}
