package io.citytwin.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
            "Scores alarms against the simulator's ground truth: per alarm type the faults, how many were detected,"
                    + " recall, precision and the median and p90 time to detect. An alarm matches a fault when it has"
                    + " the fault's alarm type, is raised on the faulty entity or one next to it (lamp, group,"
                    + " cabinet; detector and road; DMA and its meters) and first occurs within the fault's span"
                    + " widened by --tolerance. See docs/simulator.md."
        })
final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 100;

    @Option(
            names = "--ground-truth",
            required = true,
            paramLabel = "FILE",
            description = "The simulator's ground-truth log (ground-truth.jsonl in the demo's data directory).")
    Path groundTruth;

    @Option(
            names = "--alarms",
            required = true,
            paramLabel = "URL|FILE",
            description = "A node (http://host:8080, read from GET /api/v1/alarms with every state, paged) or a JSON"
                    + " file of alarms (an array, or one alarm per line).")
    String alarms;

    @Option(
            names = "--tolerance",
            paramLabel = "DURATION",
            description = "How far before a fault's start or after its end an alarm still matches, ISO 8601."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration tolerance = Duration.ofMinutes(10);

    @Option(names = "--tenant", paramLabel = "NAME", description = "The node's tenant (NGSILD-Tenant).")
    @Nullable
    String tenant;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.isReadable(groundTruth)) {
            throw new IllegalArgumentException("The ground truth " + groundTruth + " is not a readable file");
        }
        FaultPlan plan = FaultPlan.read(groundTruth);
        List<Evaluation.Alarm> list =
                alarms.startsWith("http://") || alarms.startsWith("https://") ? fetch(URI.create(alarms)) : file();
        Evaluation.Report report = Evaluation.evaluate(plan, list, tolerance);
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
}
