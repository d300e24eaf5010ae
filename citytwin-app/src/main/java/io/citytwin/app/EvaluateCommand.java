package io.citytwin.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.sim.CitizenReports;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.DispatchBaseline;
import io.citytwin.sim.Evaluation;
import io.citytwin.sim.Fault;
import io.citytwin.sim.FaultPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code citytwin evaluate}: scores a node's alarms against the simulator's ground truth. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "With --ground-truth and --alarms: scores alarms against the simulator's ground truth: per alarm type the faults, how many were detected,"
                    + " recall, precision and the median and p90 time to detect. An alarm matches a fault when it has"
                    + " the fault's alarm type, is raised on the faulty entity or one next to it (lamp, group,"
                    + " cabinet; detector and road; DMA and its meters) and first occurs within the fault's span"
                    + " widened by --tolerance. See docs/simulator.md.",
            "With --incidents: runs a simulated period's citizen reports and posts through the platform's incident"
                    + " service (classification, duplicate merging, dispatch catalogue) and through a model of manual"
                    + " dispatch (operators reading, classifying and routing each report), and reports the time to"
                    + " dispatch and to close of both, per source and language. See docs/incidents.md."
        })
final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 100;

    @Option(
            names = "--ground-truth",
            paramLabel = "FILE",
            description = "The simulator's ground-truth log (ground-truth.jsonl in the demo's data directory).")
    @Nullable
    Path groundTruth;

    @Option(
            names = "--alarms",
            paramLabel = "URL|FILE",
            description = "A node (http://host:8080, read from GET /api/v1/alarms with every state, paged) or a JSON"
                    + " file of alarms (an array, or one alarm per line).")
    @Nullable
    String alarms;

    @CommandLine.ArgGroup(exclusive = false, heading = "%nIncidents (--incidents):%n")
    @Nullable
    IncidentOptions incidents;

    @Option(
            names = "--tolerance",
            paramLabel = "DURATION",
            description = "How far before a fault's start or after its end an alarm still matches, ISO 8601."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration tolerance = Duration.ofMinutes(10);

    @Option(
            names = "--until",
            paramLabel = "INSTANT",
            description = "The end of the simulated period (the simulator's --to), ISO 8601. With it, undetected faults"
                    + " that started less than --censor before it are reported as censored, not as misses.")
    @Nullable
    Instant until;

    @Option(
            names = "--censor",
            paramLabel = "DURATION",
            description = "With --until: how close to the end an undetected fault is censored, ISO 8601. Default:"
                    + " ${DEFAULT-VALUE}.")
    Duration censor = Duration.ofHours(1);

    @Option(names = "--tenant", paramLabel = "NAME", description = "The node's tenant (NGSILD-Tenant).")
    @Nullable
    String tenant;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (incidents != null && incidents.on) {
            return incidents.run(spec.commandLine().getOut(), json);
        }
        if (groundTruth == null || alarms == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Give --ground-truth FILE and --alarms URL|FILE to score alarms, or --incidents to compare the"
                            + " automatic triage of incidents with manual dispatch");
        }
        if (!Files.isReadable(groundTruth)) {
            throw new IllegalArgumentException("The ground truth " + groundTruth + " is not a readable file");
        }
        FaultPlan plan = FaultPlan.read(groundTruth);
        List<Evaluation.Alarm> list =
                alarms.startsWith("http://") || alarms.startsWith("https://") ? fetch(URI.create(alarms)) : file();
        Evaluation.Report report = Evaluation.evaluate(plan, list, tolerance, until, censor);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(report)));
        } else {
            print(report, out);
        }
        out.flush();
        return 0;
    }

    private List<Evaluation.Alarm> file() throws IOException {
        Path p = Path.of(alarms);
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("--alarms " + alarms + " is neither an http(s) URL nor a readable file");
        }
        String text = Files.readString(p).strip();
        List<Evaluation.Alarm> out = new ArrayList<>();
        if (text.startsWith("[")) {
            for (JsonNode n : JSON.readTree(text)) {
                out.add(alarm(n, p.toString()));
            }
        } else {
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    out.add(alarm(JSON.readTree(line), p.toString()));
                }
            }
        }
        return out;
    }

    /** Every alarm of the node, in every state, page by page. */
    List<Evaluation.Alarm> fetch(URI node) throws IOException, InterruptedException {
        String base = node.toString();
        if (node.getPath() == null || node.getPath().isEmpty() || node.getPath().equals("/")) {
            base = base.replaceAll("/$", "") + "/api/v1/alarms";
        }
        String sep = base.contains("?") ? "&" : "?";
        if (!base.contains("state=")) {
            base = base + sep + "state=active,acknowledged,cleared";
            sep = "&";
        }
        List<Evaluation.Alarm> out = new ArrayList<>();
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            for (int offset = 0; ; offset += PAGE) {
                HttpRequest.Builder r = HttpRequest.newBuilder(
                                URI.create(base + sep + "limit=" + PAGE + "&offset=" + offset))
                        .timeout(Duration.ofSeconds(60))
                        .header("Accept", "application/json");
                if (tenant != null) {
                    r.header("NGSILD-Tenant", tenant);
                }
                HttpResponse<String> res = client.send(r.build(), HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() != 200) {
                    throw new IllegalStateException("GET " + base + " answered " + res.statusCode() + ": "
                            + res.body().substring(0, Math.min(300, res.body().length())));
                }
                JsonNode page = JSON.readTree(res.body());
                if (!page.isArray()) {
                    throw new IllegalStateException("GET " + base + " did not answer a JSON array of alarms");
                }
                for (JsonNode n : page) {
                    out.add(alarm(n, base));
                }
                long total = res.headers()
                        .firstValue("X-Total-Count")
                        .map(Long::parseLong)
                        .orElse(-1L);
                if (page.size() < PAGE || (total >= 0 && offset + PAGE >= total)) {
                    return out;
                }
            }
        }
    }

    static Evaluation.Alarm alarm(JsonNode n, String source) {
        String id = n.path("id").asText("");
        try {
            return new Evaluation.Alarm(
                    id, required(n, "type"), required(n, "originator"), Instant.parse(required(n, "firstOccurrence")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "An alarm from " + source + " (id '" + id + "') is not usable: " + e.getMessage(), e);
        }
    }

    private static String required(JsonNode n, String member) {
        JsonNode v = n.get(member);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + member + "' is missing or not a string");
        }
        return v.asText();
    }

    static Map<String, Object> toJson(Evaluation.Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tolerance", r.tolerance().toString());
        List<Object> types = new ArrayList<>();
        for (Evaluation.Score s : r.scores()) {
            types.add(score(s));
        }
        m.put("types", types);
        m.put("total", score(r.total()));
        m.put("unscored", r.unscored());
        List<Object> misses = new ArrayList<>();
        for (Fault f : r.misses()) {
            misses.add(Map.of(
                    "id",
                    f.id(),
                    "type",
                    f.type().name(),
                    "entity",
                    f.entity(),
                    "start",
                    f.start().toString()));
        }
        m.put("misses", misses);
        return m;
    }

    private static Map<String, Object> score(Evaluation.Score s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alarmType", s.alarmType());
        m.put("faults", s.faults());
        m.put("censored", s.censored());
        m.put("detected", s.detected());
        m.put("alarms", s.alarms());
        m.put("matched", s.matched());
        m.put("duplicates", s.duplicates());
        m.put("recall", s.recall().orElse(null));
        m.put("precision", s.precision().orElse(null));
        m.put(
                "medianTimeToDetect",
                s.medianTimeToDetect().map(Duration::toString).orElse(null));
        m.put("p90TimeToDetect", s.p90TimeToDetect().map(Duration::toString).orElse(null));
        return m;
    }

    static void print(Evaluation.Report r, PrintWriter out) {
        String row = "%-26s %7s %9s %7s %7s %8s %10s %10s %10s%n";
        out.printf(
                Locale.ROOT,
                row,
                "alarm type",
                "faults",
                "detected",
                "recall",
                "alarms",
                "matched",
                "precision",
                "median TTD",
                "p90 TTD");
        for (Evaluation.Score s : r.scores()) {
            printScore(s, row, out);
        }
        printScore(r.total(), row, out);
        out.printf(Locale.ROOT, "Tolerance %s.%n", r.tolerance());
        if (r.total().censored() > 0) {
            out.printf(
                    Locale.ROOT,
                    "Censored (undetected, started too close to the end to be detectable; not in 'faults'): %d%n",
                    r.total().censored());
        }
        if (!r.unscored().isEmpty()) {
            out.println("Alarm types without ground truth (not scored): " + r.unscored());
        }
        if (!r.misses().isEmpty()) {
            out.println("Missed faults (" + r.misses().size() + "):");
            r.misses().stream()
                    .limit(20)
                    .forEach(f ->
                            out.printf(Locale.ROOT, "  %s %s %s from %s%n", f.id(), f.type(), f.entity(), f.start()));
            if (r.misses().size() > 20) {
                out.println("  ... (--json lists all)");
            }
        }
    }

    private static void printScore(Evaluation.Score s, String row, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                row,
                s.alarmType(),
                s.faults(),
                s.detected(),
                ratio(s.recall()),
                s.alarms(),
                s.matched(),
                ratio(s.precision()),
                s.medianTimeToDetect().map(Duration::toString).orElse("-"),
                s.p90TimeToDetect().map(Duration::toString).orElse("-"));
    }

    private static String ratio(Optional<Double> v) {
        return v.map(d -> String.format(Locale.ROOT, "%.2f", d)).orElse("-");
    }

    /** The options of {@code evaluate --incidents} (see {@link IncidentEvaluation}). */
    static final class IncidentOptions {
        @Option(
                names = "--incidents",
                required = true,
                description = "Compare the automatic triage and dispatch of citizen reports with manual dispatch.")
        boolean on;

        @Option(
                names = "--size",
                paramLabel = "SIZE",
                description = "City size of the simulated reports. Default: ${DEFAULT-VALUE}.")
        CitySize size = CitySize.MEDIUM;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the city. Default: ${DEFAULT-VALUE}.")
        long seed = 2;

        @Option(
                names = "--days",
                paramLabel = "N",
                description = "Simulated days of reports. Default: ${DEFAULT-VALUE}.")
        int days = 7;

        @Option(
                names = "--operators",
                paramLabel = "N",
                description = "Operators on duty in the manual model. Default: ${DEFAULT-VALUE}.")
        int operators = DispatchBaseline.Assumptions.defaults().operators();

        @Option(
                names = "--handle-time",
                paramLabel = "DURATION",
                description = "Mean time an operator needs per report, ISO 8601. Default: ${DEFAULT-VALUE}.")
        Duration handleTime = DispatchBaseline.Assumptions.defaults().handleTime();

        @Option(
                names = "--misroute-rate",
                paramLabel = "P",
                description = "Share of manual dispatches sent to a wrong department. Default: ${DEFAULT-VALUE}.")
        double misrouteRate = DispatchBaseline.Assumptions.defaults().misrouteRate();

        @Option(
                names = "--bounce-delay",
                paramLabel = "DURATION",
                description = "How long a wrong department takes to send a ticket back. Default: ${DEFAULT-VALUE}.")
        Duration bounceDelay = DispatchBaseline.Assumptions.defaults().bounceDelay();

        @Option(
                names = "--office-hours",
                description = "Operators work Monday to Friday 08:00-18:00 UTC only (default: around the clock).")
        boolean officeHours;

        @Option(
                names = "--work-mean",
                paramLabel = "DURATION",
                description = "Mean time a department works on a report after dispatch (the same draw on both"
                        + " sides). Default: ${DEFAULT-VALUE}.")
        Duration workMean = Duration.ofHours(24);

        DispatchBaseline.Assumptions assumptions() {
            return DispatchBaseline.Assumptions.defaults()
                    .withOperators(operators)
                    .withHandleTime(handleTime)
                    .withMisrouteRate(misrouteRate)
                    .withBounceDelay(bounceDelay)
                    .withOfficeHoursOnly(officeHours);
        }

        int run(PrintWriter out, boolean asJson) throws IOException {
            City city = CityGenerator.generate(CitySpec.of(size, seed));
            Instant from = Instant.parse("2026-11-02T00:00:00Z"); // a Monday
            Instant to = from.plus(Duration.ofDays(days));
            FaultPlan plan = FaultPlan.generate(city, from, to, FaultPlan.Rates.defaults(), seed);
            List<CitizenReports.Report> reports = CitizenReports.generate(
                    city, plan, from, to, 2.0 * city.districts().size(), seed);
            TriagePorts triage = new TriagePorts();
            Path dir = Files.createTempDirectory("citytwin-evaluate-incidents");
            try {
                List<IncidentEvaluation.Row> rows = IncidentEvaluation.run(
                        reports, triage.classifier(), triage.duplicates(), dir, assumptions(), workMean);
                Map<String, Object> report = IncidentEvaluation.report(rows, assumptions(), workMean);
                report.put("city", Map.of("size", size.name().toLowerCase(Locale.ROOT), "seed", seed, "days", days));
                if (asJson) {
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
                } else {
                    IncidentEvaluation.print(rows, report, out);
                }
                out.flush();
                return 0;
            } finally {
                deleteTree(dir);
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
