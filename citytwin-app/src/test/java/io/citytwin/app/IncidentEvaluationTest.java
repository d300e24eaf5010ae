package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.incident.Candidate;
import io.citytwin.incident.Classification;
import io.citytwin.incident.DuplicateScorer;
import io.citytwin.sim.CitizenReports;
import io.citytwin.sim.DispatchBaseline;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentEvaluationTest {
    @TempDir
    Path dir;

    static final DuplicateScorer NEVER = new DuplicateScorer() {
        @Override
        public double score(Candidate a, Candidate b) {
            return 0;
        }

        @Override
        public double mergeThreshold() {
            return 0.8;
        }

        @Override
        public double suggestThreshold() {
            return 0.6;
        }
    };

    static List<CitizenReports.Report> lampReports(int n) {
        List<CitizenReports.Report> out = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-02T08:00:00Z");
        for (int i = 0; i < n; i++) {
            out.add(new CitizenReports.Report(
                    "r-" + i,
                    null,
                    i % 2 == 0 ? "report" : "post",
                    "streetlight",
                    "en",
                    "Street light out on road " + i,
                    10 + i * 0.01, // a kilometre apart: no duplicate candidates
                    50,
                    "Road " + i,
                    "Centre",
                    t0.plus(Duration.ofHours(i))));
        }
        return out;
    }

    @Test
    void rightAndConfidentClassification_dispatchesAtOnce_whileTheBaselineNeedsAnOperator() {
        List<IncidentEvaluation.Row> rows = IncidentEvaluation.run(
                lampReports(20),
                (text, hint) -> new Classification("streetlight", 0.95, "en"),
                NEVER,
                dir,
                DispatchBaseline.Assumptions.defaults().withMisrouteRate(0),
                Duration.ofHours(24));
        assertThat(rows).hasSize(20).allMatch(IncidentEvaluation.Row::auto);
        assertThat(rows).allMatch(r -> r.platformDispatch().isZero());
        assertThat(rows).allMatch(r -> r.baselineDispatch().isPositive());
        assertThat(rows).allMatch(r -> "lighting".equals(r.department()));
        // the same department work on both sides: closing differs by the dispatch only
        assertThat(rows)
                .allMatch(r -> r.baselineClose().minus(r.platformClose()).equals(r.baselineDispatch()));
    }

    @Test
    void wrongConfidentClassification_isSentBack_andAnOperatorRoutesItAfterTheBounce() {
        List<IncidentEvaluation.Row> rows = IncidentEvaluation.run(
                lampReports(10),
                (text, hint) -> new Classification("waste", 0.99, "en"),
                NEVER,
                dir,
                DispatchBaseline.Assumptions.defaults().withMisrouteRate(0),
                Duration.ofHours(24));
        assertThat(rows).allMatch(r -> "sanitation".equals(r.department()));
        assertThat(rows).allMatch(r -> r.platformDispatch().compareTo(Duration.ofHours(4)) > 0);
        assertThat(IncidentEvaluation.summary(rows, r -> true))
                .containsEntry("autoRoutingAccuracy", 0.0)
                .containsEntry("reports", 10);
    }

    @Test
    void unsureClassification_waitsForAnOperator() {
        List<IncidentEvaluation.Row> rows = IncidentEvaluation.run(
                lampReports(10),
                (text, hint) -> new Classification("streetlight", 0.2, "en"),
                NEVER,
                dir,
                DispatchBaseline.Assumptions.defaults().withMisrouteRate(0),
                Duration.ofHours(24));
        assertThat(rows).noneMatch(IncidentEvaluation.Row::auto);
        assertThat(rows).allMatch(r -> r.platformDispatch().isPositive());
    }
}
