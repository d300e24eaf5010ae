package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchBaselineTest {
    private static final Instant MONDAY = Instant.parse("2026-11-16T00:00:00Z");

    private static CitizenReports.Report report(int i, Instant at) {
        return new CitizenReports.Report(
                "r-" + i, null, "report", "streetlight", "en", "Lamp out", 0, 0, "Main St", "Centre", at);
    }

    private static List<CitizenReports.Report> spaced(int n, Duration gap) {
        List<CitizenReports.Report> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(report(i, MONDAY.plus(gap.multipliedBy(i))));
        }
        return out;
    }

    @Test
    void run_withoutQueueOrMisroutes_takesTheHandlingTimeOnAverage() {
        DispatchBaseline.Assumptions a = DispatchBaseline.Assumptions.defaults().withMisrouteRate(0);
        List<DispatchBaseline.Outcome> out = DispatchBaseline.run(spaced(4000, Duration.ofHours(1)), a);
        double meanMinutes = out.stream()
                        .mapToLong(o -> o.timeToDispatch().toMillis())
                        .average()
                        .orElseThrow()
                / 60_000.0;
        assertThat(meanMinutes).isBetween(3.6, 4.4); // exponential of mean 4 min, 4,000 draws
        assertThat(out).noneMatch(DispatchBaseline.Outcome::misrouted);
    }

    @Test
    void run_misroutedReports_reachTheRightDepartmentOnlyAfterTheBounce() {
        DispatchBaseline.Assumptions a = DispatchBaseline.Assumptions.defaults().withMisrouteRate(0.5);
        List<DispatchBaseline.Outcome> out = DispatchBaseline.run(spaced(1000, Duration.ofHours(1)), a);
        long misrouted =
                out.stream().filter(DispatchBaseline.Outcome::misrouted).count();
        assertThat(misrouted).isBetween(420L, 580L);
        assertThat(out)
                .filteredOn(DispatchBaseline.Outcome::misrouted)
                .allMatch(o -> o.timeToDispatch().compareTo(Duration.ofHours(4)) > 0);
        assertThat(out)
                .filteredOn(o -> !o.misrouted())
                .allMatch(o -> o.timeToDispatch().compareTo(Duration.ofHours(1)) < 0);
    }

    @Test
    void run_aBurst_queuesBehindTheOperators() {
        List<CitizenReports.Report> burst = spaced(100, Duration.ZERO);
        DispatchBaseline.Assumptions one =
                DispatchBaseline.Assumptions.defaults().withMisrouteRate(0).withOperators(1);
        List<DispatchBaseline.Outcome> out = DispatchBaseline.run(burst, one);
        Duration last = out.stream()
                .map(DispatchBaseline.Outcome::timeToDispatch)
                .max(Duration::compareTo)
                .orElseThrow();
        // one operator works the 100 reports one after the other: the last waits for all (mean 400 min)
        assertThat(last.toMinutes()).isBetween(300L, 500L);
        List<DispatchBaseline.Outcome> four = DispatchBaseline.run(burst, one.withOperators(4));
        Duration lastOfFour = four.stream()
                .map(DispatchBaseline.Outcome::timeToDispatch)
                .max(Duration::compareTo)
                .orElseThrow();
        assertThat(lastOfFour).isLessThan(last.dividedBy(3));
    }

    @Test
    void run_officeHours_aSaturdayReportWaitsForMonday() {
        Instant saturday = Instant.parse("2026-11-21T10:00:00Z");
        DispatchBaseline.Assumptions a =
                DispatchBaseline.Assumptions.defaults().withMisrouteRate(0).withOfficeHoursOnly(true);
        DispatchBaseline.Outcome o =
                DispatchBaseline.run(List.of(report(0, saturday)), a).get(0);
        assertThat(o.dispatched()).isAfter(Instant.parse("2026-11-23T08:00:00Z"));
        assertThat(o.dispatched()).isBefore(Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(DispatchBaseline.onDuty(Instant.parse("2026-11-23T09:30:00Z"), a))
                .isEqualTo(Instant.parse("2026-11-23T09:30:00Z"));
        assertThat(DispatchBaseline.onDuty(Instant.parse("2026-11-23T19:00:00Z"), a))
                .isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    }

    @Test
    void run_sameSeed_sameOutcomes() {
        List<CitizenReports.Report> reports = spaced(200, Duration.ofMinutes(3));
        DispatchBaseline.Assumptions a = DispatchBaseline.Assumptions.defaults();
        assertThat(DispatchBaseline.run(reports, a)).isEqualTo(DispatchBaseline.run(reports, a));
    }

    @Test
    void assumptions_outOfRange_areRefused() {
        DispatchBaseline.Assumptions a = DispatchBaseline.Assumptions.defaults();
        assertThatThrownBy(() -> a.withOperators(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.withMisrouteRate(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.withHandleTime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
