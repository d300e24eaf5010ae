package io.citytwin.bench;

import io.citytwin.sim.CitizenReports;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.FaultPlan;
import io.citytwin.triage.DuplicateModel;
import io.citytwin.triage.LabelledText;
import io.citytwin.triage.Prediction;
import io.citytwin.triage.Triage;
import io.citytwin.triage.TriageEvaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Issue 8's triage measurements in one run (no JMH: the numbers are accuracies plus a simple single-threaded
 * latency loop): training time; per-language classification and routing accuracy on the held-out evaluation set,
 * with the language given and detected, and the confusions; the duplicate model's calibration on simulator seeds
 * 1, 3, 5 (a week of a medium city each) and its precision/recall/F1 on seeds 2, 4, 6; classify and score
 * throughput and latency percentiles. Prints markdown for docs/triage.md.
 *
 * <pre>
 * java -cp citytwin-bench/target/citytwin-bench.jar io.citytwin.bench.TriageBench [classifyCalls]
 * </pre>
 */
public final class TriageBench {
    static final Instant FROM = Instant.parse("2026-11-16T00:00:00Z");
    static final Instant TO = FROM.plus(Duration.ofDays(7));
    static final double UNRELATED_PER_DAY = 40;

    private TriageBench() {}

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long t0 = System.nanoTime();
        Triage triage = Triage.load();
        double coldMs = (System.nanoTime() - t0) / 1e6;
        Triage warm = Triage.load();
        System.out.printf(
                "## Training%n%nTriage.load(): %.0f ms cold (first in the JVM, includes class loading and the"
                        + " SmartChineseAnalyzer dictionaries), %.0f ms warm; %d training texts%n%n",
                coldMs,
                warm.trainingTime().toNanos() / 1e6,
                LabelledText.training().size());

        List<LabelledText> eval = LabelledText.evaluation();
        List<TriageEvaluation.LanguageResult> hinted = TriageEvaluation.classification(triage.classifier(), eval);
        List<TriageEvaluation.LanguageResult> detected =
                TriageEvaluation.classification(triage.classifier(), eval, false);
        System.out.println("## Classification (held-out evaluation set)\n");
        System.out.println(
                "| language | n | accuracy | routing accuracy | accuracy, language detected | request-type accuracy |");
        System.out.println("|---|---|---|---|---|---|");
        for (int i = 0; i < hinted.size(); i++) {
            TriageEvaluation.LanguageResult r = hinted.get(i);
            System.out.printf(
                    "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n",
                    r.language(),
                    r.n(),
                    r.accuracy(),
                    r.routingAccuracy(),
                    detected.get(i).accuracy(),
                    r.typeAccuracy());
        }
        System.out.println("\nConfusions (actual -> predicted: count):\n");
        for (TriageEvaluation.LanguageResult r : hinted) {
            StringBuilder sb = new StringBuilder();
            new TreeMap<>(r.confusion())
                    .forEach((actual, predicted) -> new TreeMap<>(predicted).forEach((p, n) -> sb.append(actual)
                            .append("->")
                            .append(p)
                            .append(": ")
                            .append(n)
                            .append(", ")));
            System.out.printf("- %s: %s%n", r.language(), sb.isEmpty() ? "none" : sb.substring(0, sb.length() - 2));
        }

        System.out.printf(
                "%n## Duplicates (simulator: medium city, one week, %.0f unrelated reports a day)%n%n",
                UNRELATED_PER_DAY);
        DuplicateModel model = triage.duplicates();
        List<List<TriageEvaluation.LabelledDoc>> calibration = new ArrayList<>();
        for (long seed : new long[] {1, 3, 5}) {
            calibration.add(docs(triage, seed));
        }
        TriageEvaluation.ModelCalibration c = TriageEvaluation.calibrateModel(model, calibration);
        System.out.printf(
                "Calibration on seeds 1, 3, 5: best F1 by kappa: %s; chosen kappa %.2f, merge %.2f (F1 %.3f), suggest"
                        + " %.2f (recall %.3f). Shipped: kappa %.2f, merge %.2f, suggest %.2f.%n%n",
                kappas(c.f1ByAgreement()),
                c.categoryAgreement(),
                c.thresholds().merge().threshold(),
                c.thresholds().merge().f1(),
                c.thresholds().suggest().threshold(),
                c.thresholds().suggest().recall(),
                model.categoryAgreement(),
                model.mergeThreshold(),
                model.suggestThreshold());
        System.out.println(
                "| seed | reports | candidate pairs | duplicates | precision | recall | F1 | recall at suggest | pairs in suggest band |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<TriageEvaluation.ScoredPair> all = new ArrayList<>();
        for (long seed : new long[] {2, 4, 6}) {
            List<TriageEvaluation.LabelledDoc> docs = docs(triage, seed);
            List<TriageEvaluation.ScoredPair> pairs = TriageEvaluation.pairs(model, docs);
            all.addAll(pairs);
            row(String.valueOf(seed), docs.size(), pairs, model);
        }
        row("2+4+6", -1, all, model);

        System.out.println("\n## Speed (one thread)\n");
        List<String> texts = eval.stream().map(LabelledText::text).toList();
        List<String> languages = eval.stream().map(LabelledText::language).toList();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += triage.classifier()
                    .classify(texts.get(i % texts.size()), languages.get(i % texts.size()))
                    .category()
                    .length();
        }
        long[] lat = new long[calls];
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            long s = System.nanoTime();
            Prediction p = triage.classifier().classify(texts.get(i % texts.size()), languages.get(i % texts.size()));
            lat[i] = System.nanoTime() - s;
            sink += p.category().length();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(lat);
        System.out.printf(
                "classify: %,.0f texts/s; latency p50 %.1f µs, p99 %.1f µs, max %.1f µs (%d calls)%n",
                calls / seconds, lat[calls / 2] / 1e3, lat[(int) (calls * 0.99)] / 1e3, lat[calls - 1] / 1e3, calls);
        List<DuplicateModel.Doc> ds = all.stream().map(p -> p.a().doc()).toList();
        int scoreCalls = Math.min(calls, 200_000);
        start = System.nanoTime();
        double acc = 0;
        for (int i = 0; i < scoreCalls; i++) {
            acc += model.score(ds.get(i % ds.size()), ds.get((i * 7 + 3) % ds.size()));
        }
        seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("score: %,.0f pairs/s (%d calls)%n", scoreCalls / seconds, scoreCalls);
        if (sink == 42 && acc == 42) {
            System.out.println();
        }
    }

    private static String kappas(Map<Double, Double> f1) {
        StringBuilder sb = new StringBuilder();
        f1.forEach((k, v) -> sb.append(String.format("%.2f → %.3f, ", k, v)));
        return sb.substring(0, Math.max(0, sb.length() - 2));
    }

    private static void row(String seed, int reports, List<TriageEvaluation.ScoredPair> pairs, DuplicateModel m) {
        TriageEvaluation.Prf merge = TriageEvaluation.prf(pairs, m.mergeThreshold());
        TriageEvaluation.Prf suggest = TriageEvaluation.prf(pairs, m.suggestThreshold());
        long band = pairs.stream()
                .filter(p -> p.score() >= m.suggestThreshold() && p.score() < m.mergeThreshold())
                .count();
        System.out.printf(
                "| %s | %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %d |%n",
                seed,
                reports < 0 ? "" : String.valueOf(reports),
                pairs.size(),
                merge.truePositives() + merge.falseNegatives(),
                merge.precision(),
                merge.recall(),
                merge.f1(),
                suggest.recall(),
                band);
    }

    /** The simulator's reports of a seed, with the classifier's category (what the incident service passes). */
    static List<TriageEvaluation.LabelledDoc> docs(Triage triage, long seed) {
        City city = CityGenerator.generate(CitySpec.of(CitySize.MEDIUM, seed));
        FaultPlan plan = FaultPlan.generate(city, FROM, TO, FaultPlan.Rates.defaults(), seed);
        List<TriageEvaluation.LabelledDoc> out = new ArrayList<>();
        for (CitizenReports.Report r : CitizenReports.generate(city, plan, FROM, TO, UNRELATED_PER_DAY, seed)) {
            String category =
                    triage.classifier().classify(r.text(), r.language()).category();
            out.add(new TriageEvaluation.LabelledDoc(
                    new DuplicateModel.Doc(r.text(), r.language(), category, r.lon(), r.lat(), r.time()),
                    r.faultId() == null ? "" : r.faultId()));
        }
        return out;
    }
}
