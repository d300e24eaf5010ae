package io.citytwin.app;

import io.citytwin.incident.Catalogue;
import io.citytwin.incident.Category;
import io.citytwin.incident.CitizenReport;
import io.citytwin.incident.DuplicateScorer;
import io.citytwin.incident.GeoPoint;
import io.citytwin.incident.IncidentService;
import io.citytwin.incident.Intake;
import io.citytwin.incident.ReportClassifier;
import io.citytwin.incident.Source;
import io.citytwin.incident.TimelineEntry;
import io.citytwin.incident.sqlite.SqliteIncidentStore;
import io.citytwin.sim.CitizenReports;
import io.citytwin.sim.DispatchBaseline;
import io.citytwin.twin.TenantId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/*
 * AUTOMATIC TRIAGE AGAINST THE MANUAL BASELINE
 *
 * The simulated reports of a period go, in time order, through the platform's own incident service (the real
 * classifier, duplicate scorer, catalogue and SQLite store, in a temporary directory), with the service's clock set to
 * each report's time, so its timeline is in simulated time. Every text is classified: the service codes the
 * simulator's citizens chose are ignored, as a hotline operator hears free text (the harder setting for us).
 *
 * The platform's time to dispatch of a report:
 *  - merged into an incident already dispatched: 0 (the department has it);
 *  - dispatched automatically (confident classification) to the right department: 0;
 *  - dispatched automatically to a wrong department: sent back after bounceDelay, then handled by an operator;
 *  - not confident (left `new` for the operator): handled by an operator;
 * where "handled by an operator" runs the same queue model as the baseline (DispatchBaseline) over the reports the
 * platform leaves to people. The baseline runs every report through the operators.
 *
 * Time to close = time to dispatch + the department's work, drawn once per report (exponential, mean workMean,
 * seeded) and used for both, so the difference is only the dispatch; a report merged into an incident closes with
 * that incident (its first report's close), not before its own arrival. Departments' field work is not simulated.
 * Reductions are (baseline - platform) / baseline of the medians, as REFERENCE.md section 7 defines the
 * collaboration and public-opinion measures.
 */
/** Runs simulated reports through the incident service and the manual baseline (see AUTOMATIC TRIAGE). */
final class IncidentEvaluation {
    static final TenantId TENANT = TenantId.DEFAULT;

    private IncidentEvaluation() {}

    /** What happened to one report on both sides. */
    record Row(
            CitizenReports.Report report,
            String expectedDepartment,
            @Nullable String department,
            boolean auto,
            boolean merged,
            String incident,
            Duration platformDispatch,
            Duration baselineDispatch,
            Duration platformClose,
            Duration baselineClose) {}

    /** A settable clock: the evaluation moves it to each report's time. */
    private static final class SimClock implements InstantSource {
        private volatile Instant now = Instant.EPOCH;

        @Override
        public Instant instant() {
            return now;
        }
    }

    static List<Row> run(
            List<CitizenReports.Report> reports,
            ReportClassifier classifier,
            DuplicateScorer duplicates,
            Path dir,
            DispatchBaseline.Assumptions a,
            Duration workMean) {
        SimClock clock = new SimClock();
        List<CitizenReports.Report> sorted = new ArrayList<>(reports);
        sorted.sort(java.util.Comparator.comparing(CitizenReports.Report::time));
        if (!sorted.isEmpty()) {
            clock.now = sorted.get(0).time();
        }
        Catalogue catalogue = Catalogue.defaults(ZoneOffset.UTC);
        List<Intake> intakes = new ArrayList<>(sorted.size());
        Map<String, Instant> dispatchedAt = new HashMap<>(); // incident -> when the platform dispatched it
        Map<String, String> departmentOf = new HashMap<>();
        try (SqliteIncidentStore store = SqliteIncidentStore.open(dir, clock)) {
            IncidentService service = IncidentService.builder()
                    .store(store)
                    .clock(clock)
                    .classifier(classifier)
                    .duplicates(duplicates)
                    .autoDispatch(true, IncidentConfig.DEFAULTS.autoDispatchConfidence())
                    .zone(ZoneOffset.UTC)
                    .build();
            for (CitizenReports.Report r : sorted) {
                clock.now = r.time();
                Intake in = service.submit(
                        TENANT,
                        new CitizenReport(
                                r.kind().equals("post") ? Source.OPINION : Source.OPEN311,
                                r.text(),
                                null,
                                null,
                                null,
                                null,
                                null,
                                new GeoPoint(r.lon(), r.lat()),
                                null,
                                r.id(),
                                r.time()));
                intakes.add(in);
                String id = in.incident().id();
                if (!dispatchedAt.containsKey(id) && in.incident().department() != null) {
                    for (TimelineEntry e : service.timeline(TENANT, id)) {
                        if ("dispatched".equals(e.to())) {
                            dispatchedAt.put(id, e.at());
                            departmentOf.put(id, in.incident().department());
                            break;
                        }
                    }
                }
            }
        }
        // the reports the platform leaves to operators: not confident, or sent back from a wrong department
        List<CitizenReports.Report> toOperators = new ArrayList<>();
        Map<String, Integer> operatorIndex = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            CitizenReports.Report r = sorted.get(i);
            Intake in = intakes.get(i);
            String expected = catalogue.department(Category.of(r.category()), null);
            if (in.merged()) {
                continue;
            }
            String dep = departmentOf.get(in.incident().id());
            Instant arrive = dep == null
                    ? r.time()
                    : dep.equals(expected) ? null : r.time().plus(a.bounceDelay());
            if (arrive != null) {
                operatorIndex.put(r.id(), toOperators.size());
                toOperators.add(r.withTime(arrive));
            }
        }
        List<DispatchBaseline.Outcome> operators = DispatchBaseline.run(toOperators, a);
        List<DispatchBaseline.Outcome> baseline = DispatchBaseline.run(sorted, a);
        SplittableRandom random = new SplittableRandom(a.seed() ^ 0x3C105EL);
        Map<String, Instant> incidentClose = new HashMap<>();
        List<Row> rows = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            CitizenReports.Report r = sorted.get(i);
            Intake in = intakes.get(i);
            String expected = catalogue.department(Category.of(r.category()), null);
            Duration work = Duration.ofMillis((long) (-Math.log(1 - random.nextDouble()) * workMean.toMillis()));
            String incident = in.incident().id();
            Integer op = operatorIndex.get(r.id());
            Instant dispatched;
            if (op != null) {
                dispatched = operators.get(op).dispatched();
            } else if (in.merged()) {
                Instant d = dispatchedAt.get(incident);
                dispatched = d == null || d.isBefore(r.time()) ? r.time() : d;
            } else {
                dispatched = dispatchedAt.getOrDefault(incident, r.time());
            }
            Instant closed = dispatched.plus(work);
            if (in.merged() && incidentClose.containsKey(incident)) {
                closed = max(incidentClose.get(incident), r.time());
            } else {
                incidentClose.putIfAbsent(incident, closed);
            }
            DispatchBaseline.Outcome b = baseline.get(i);
            rows.add(new Row(
                    r,
                    expected,
                    departmentOf.get(incident),
                    op == null && !in.merged(),
                    in.merged(),
                    incident,
                    Duration.between(r.time(), dispatched),
                    b.timeToDispatch(),
                    Duration.between(r.time(), closed),
                    b.timeToDispatch().plus(work)));
        }
        return rows;
    }

    private static Instant max(Instant x, Instant y) {
        return x.isAfter(y) ? x : y;
    }

    /** The summary of {@code rows} passing {@code filter}: counts, rates, medians, reductions (JSON values). */
    static Map<String, Object> summary(List<Row> rows, Predicate<Row> filter) {
        List<Row> sel = rows.stream().filter(filter).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reports", sel.size());
        if (sel.isEmpty()) {
            return m;
        }
        long merged = sel.stream().filter(Row::merged).count();
        long auto = sel.stream().filter(Row::auto).count();
        long routedRight = sel.stream()
                .filter(r -> !r.merged() && r.expectedDepartment().equals(r.department()))
                .count();
        long routed =
                sel.stream().filter(r -> !r.merged() && r.department() != null).count();
        m.put("merged", merged);
        m.put("autoDispatched", auto);
        m.put("autoRoutingAccuracy", routed == 0 ? null : (double) routedRight / routed);
        double pd = median(sel.stream().map(Row::platformDispatch).toList());
        double bd = median(sel.stream().map(Row::baselineDispatch).toList());
        double pc = median(sel.stream().map(Row::platformClose).toList());
        double bc = median(sel.stream().map(Row::baselineClose).toList());
        m.put("medianDispatchMinutes", Map.of("platform", pd, "baseline", bd));
        m.put(
                "p90DispatchMinutes",
                Map.of(
                        "platform",
                                quantile(sel.stream().map(Row::platformDispatch).toList(), 0.9),
                        "baseline",
                                quantile(sel.stream().map(Row::baselineDispatch).toList(), 0.9)));
        m.put("medianCloseHours", Map.of("platform", pc / 60, "baseline", bc / 60));
        m.put("dispatchReduction", bd == 0 ? null : (bd - pd) / bd);
        m.put("closeReduction", bc == 0 ? null : (bc - pc) / bc);
        return m;
    }

    static double median(List<Duration> d) {
        return quantile(d, 0.5);
    }

    /** The nearest-rank quantile in minutes. */
    static double quantile(List<Duration> d, double q) {
        if (d.isEmpty()) {
            return Double.NaN;
        }
        List<Duration> s = new ArrayList<>(d);
        s.sort(null);
        int k = (int) Math.ceil(q * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, k))).toMillis() / 60_000.0;
    }

    /** The groups the evaluation reports: all, per source and per language. */
    static Map<String, Predicate<Row>> groups() {
        Map<String, Predicate<Row>> g = new LinkedHashMap<>();
        g.put("all", r -> true);
        g.put("open311 reports", r -> !r.report().kind().equals("post"));
        g.put("public posts", r -> r.report().kind().equals("post"));
        for (String lang : List.of("en", "de", "zh")) {
            g.put("language " + lang, r -> r.report().language().equals(lang));
        }
        return g;
    }

    /** The whole report as JSON values: assumptions and the summary of every group. */
    static Map<String, Object> report(List<Row> rows, DispatchBaseline.Assumptions a, Duration workMean) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> assumptions = new LinkedHashMap<>();
        assumptions.put("operators", a.operators());
        assumptions.put("officeHoursOnly", a.officeHoursOnly());
        assumptions.put("handleTime", a.handleTime().toString());
        assumptions.put("misrouteRate", a.misrouteRate());
        assumptions.put("bounceDelay", a.bounceDelay().toString());
        assumptions.put("workMean", workMean.toString());
        m.put("baseline", assumptions);
        Map<String, Object> groups = new LinkedHashMap<>();
        groups().forEach((name, filter) -> groups.put(name, summary(rows, filter)));
        m.put("groups", groups);
        return m;
    }

    /** Prints the report as a table. */
    @SuppressWarnings("unchecked")
    static void print(List<Row> rows, Map<String, Object> report, java.io.PrintWriter out) {
        Map<String, Object> a = (Map<String, Object>) report.get("baseline");
        out.printf(
                java.util.Locale.ROOT,
                "Incidents: %d citizen reports and posts through the platform and through manual dispatch (%s"
                        + " operators%s, %s per report, %.0f %% misrouted, sent back after %s; department work %s on"
                        + " average, the same on both sides).%n%n",
                rows.size(),
                a.get("operators"),
                Boolean.TRUE.equals(a.get("officeHoursOnly")) ? " in office hours" : " around the clock",
                a.get("handleTime"),
                100 * ((Number) a.get("misrouteRate")).doubleValue(),
                a.get("bounceDelay"),
                a.get("workMean"));
        out.println("| group | reports | merged | auto-dispatched | auto-routing accuracy | median dispatch"
                + " platform / manual (min) | p90 dispatch platform / manual (min) | median close platform / manual (h)"
                + " | dispatch reduction | close reduction |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        Map<String, Object> groups = (Map<String, Object>) report.get("groups");
        groups.forEach((name, v) -> {
            Map<String, Object> g = (Map<String, Object>) v;
            if (((Number) g.get("reports")).intValue() == 0) {
                return;
            }
            Map<String, Object> md = (Map<String, Object>) g.get("medianDispatchMinutes");
            Map<String, Object> p90 = (Map<String, Object>) g.get("p90DispatchMinutes");
            Map<String, Object> mc = (Map<String, Object>) g.get("medianCloseHours");
            out.printf(
                    java.util.Locale.ROOT,
                    "| %s | %d | %d | %d | %s | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %s | %s |%n",
                    name,
                    g.get("reports"),
                    g.get("merged"),
                    g.get("autoDispatched"),
                    percent(g.get("autoRoutingAccuracy")),
                    md.get("platform"),
                    md.get("baseline"),
                    p90.get("platform"),
                    p90.get("baseline"),
                    mc.get("platform"),
                    mc.get("baseline"),
                    percent(g.get("dispatchReduction")),
                    percent(g.get("closeReduction")));
        });
        out.println();
        out.println("Reductions are (manual - platform) / manual of the medians. The public-opinion measure is the"
                + " 'public posts' row's median time to close.");
    }

    private static String percent(@Nullable Object v) {
        return v == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f %%", 100 * ((Number) v).doubleValue());
    }
}
