package io.citytwin.triage;

import io.citytwin.sim.CitizenReports;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.FaultPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The simulator's citizen reports of a week in a medium city, as labelled duplicate-model documents. */
final class SimReports {
    static final Instant FROM = Instant.parse("2026-11-16T00:00:00Z");
    static final Instant TO = FROM.plus(Duration.ofDays(7));
    static final double UNRELATED_PER_DAY = 40;

    private SimReports() {}

    static List<CitizenReports.Report> reports(long seed) {
        City city = CityGenerator.generate(CitySpec.of(CitySize.MEDIUM, seed));
        FaultPlan plan = FaultPlan.generate(city, FROM, TO, FaultPlan.Rates.defaults(), seed);
        return CitizenReports.generate(city, plan, FROM, TO, UNRELATED_PER_DAY, seed);
    }

    /** Each report with its category as the classifier predicts it (what the incident service passes on). */
    static List<TriageEvaluation.LabelledDoc> docs(Triage triage, long seed) {
        List<TriageEvaluation.LabelledDoc> out = new ArrayList<>();
        for (CitizenReports.Report r : reports(seed)) {
            String category =
                    triage.classifier().classify(r.text(), r.language()).category();
            out.add(new TriageEvaluation.LabelledDoc(
                    new DuplicateModel.Doc(r.text(), r.language(), category, r.lon(), r.lat(), r.time()),
                    r.faultId() == null ? "" : r.faultId()));
        }
        return out;
    }
}
