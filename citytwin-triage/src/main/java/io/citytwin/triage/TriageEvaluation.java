package io.citytwin.triage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/*
 * EVALUATION
 *
 * Classification: on a labelled set never used for training, per language, accuracy = share of texts whose
 * predicted category equals the label; routing accuracy = share whose predicted category's default department
 * (contract A catalogue) equals the labelled department (confusions inside one department, such as air/noise →
 * environment, do not misroute); type accuracy likewise for the request type; plus the confusion counts.
 *
 * Duplicates: every pair of reports within CANDIDATE_RADIUS_METRES and CANDIDATE_WINDOW of each other (the
 * candidates the incident service scores) is a positive when both carry the same non-empty group (the simulator's
 * faultId), else a negative. Precision, recall and F1 at a threshold as usual (van Rijsbergen 1979); calibration
 * picks the F1-maximising threshold as merge threshold and the highest threshold whose recall is >= 0.99, but at
 * least 0.1 below the merge threshold, as suggest threshold, scanning thresholds 0.01..1.00 in steps of 0.01.
 */
/** Measures a classifier on a labelled set and a duplicate model on labelled reports (see EVALUATION). */
public final class TriageEvaluation {
    static final double SUGGEST_MARGIN = 0.1;

    private TriageEvaluation() {}

    /**
     * Results of one language.
     *
     * @param language en, de or zh
     * @param n texts
     * @param accuracy category accuracy
     * @param routingAccuracy default-department accuracy
     * @param typeAccuracy request-type accuracy
     * @param confusion actual category → predicted category → count (errors only)
     */
    public record LanguageResult(
            String language,
            int n,
            double accuracy,
            double routingAccuracy,
            double typeAccuracy,
            Map<String, Map<String, Integer>> confusion) {
        public LanguageResult {
            confusion = Map.copyOf(confusion);
        }
    }

    /** Classifies every text of {@code eval} with its language as hint and scores the predictions per language. */
    public static List<LanguageResult> classification(TextClassifier classifier, List<LabelledText> eval) {
        return classification(classifier, eval, true);
    }

    /**
     * As {@link #classification(TextClassifier, List)}; with {@code useHint} false the language is detected (what
     * happens to a post without a language).
     */
    public static List<LanguageResult> classification(
            TextClassifier classifier, List<LabelledText> eval, boolean useHint) {
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, Map<String, Map<String, Integer>>> confusion = new TreeMap<>();
        for (LabelledText t : eval) {
            Prediction p = classifier.classify(t.text(), useHint ? t.language() : "");
            int[] c = counts.computeIfAbsent(t.language(), l -> new int[4]);
            c[0]++;
            if (p.category().equals(t.category())) {
                c[1]++;
            } else {
                confusion
                        .computeIfAbsent(t.language(), l -> new TreeMap<>())
                        .computeIfAbsent(t.category(), k -> new TreeMap<>())
                        .merge(p.category(), 1, Integer::sum);
            }
            if (p.defaultDepartment().equals(t.department())) {
                c[2]++;
            }
            if (p.type().equals(t.type())) {
                c[3]++;
            }
        }
        List<LanguageResult> out = new ArrayList<>();
        counts.forEach((language, c) -> out.add(new LanguageResult(
                language,
                c[0],
                c[1] / (double) c[0],
                c[2] / (double) c[0],
                c[3] / (double) c[0],
                confusion.getOrDefault(language, Map.of()))));
        return out;
    }

    /**
     * A report with its ground truth.
     *
     * @param doc the report
     * @param group what it is about (the simulator's faultId); empty when it is about nothing else reported
     */
    public record LabelledDoc(DuplicateModel.Doc doc, String group) {
        public LabelledDoc {
            Objects.requireNonNull(doc);
            Objects.requireNonNull(group);
        }
    }

    /** A candidate pair, its score and whether it truly is a duplicate. */
    public record ScoredPair(LabelledDoc a, LabelledDoc b, double score, boolean duplicate) {}

    /** Precision, recall and F1 at a threshold, with the counts. */
    public record Prf(double threshold, int truePositives, int falsePositives, int falseNegatives) {
        public double precision() {
            int d = truePositives + falsePositives;
            return d == 0 ? 1 : truePositives / (double) d;
        }

        public double recall() {
            int d = truePositives + falseNegatives;
            return d == 0 ? 1 : truePositives / (double) d;
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    /** The thresholds chosen by {@link #calibrate}, with their scores on the calibration pairs. */
    public record Calibration(Prf merge, Prf suggest) {}

    /**
     * The calibrated duplicate model: κ, the category-agreement floor, and both thresholds.
     *
     * @param categoryAgreement κ (see {@link DuplicateModel#categoryAgreement()})
     * @param thresholds the merge and suggest thresholds at that κ, with their scores on the calibration pairs
     * @param f1ByAgreement the best calibration F1 of each κ tried
     */
    public record ModelCalibration(
            double categoryAgreement, Calibration thresholds, Map<Double, Double> f1ByAgreement) {
        public ModelCalibration {
            f1ByAgreement = Collections.unmodifiableMap(new TreeMap<>(f1ByAgreement));
        }
    }

    /**
     * Calibrates κ and the thresholds of {@code model} on labelled report sets (each one city; pairs never cross
     * sets): for κ = 0.50, 0.55, ..., 0.95 the F1-maximising thresholds on the pooled pairs; κ is the smallest whose
     * F1 is within 0.005 of the best.
     */
    public static ModelCalibration calibrateModel(DuplicateModel model, List<List<LabelledDoc>> sets) {
        Map<Double, Calibration> byKappa = new TreeMap<>();
        Map<Double, Double> f1 = new TreeMap<>();
        double best = -1;
        for (int i = 10; i <= 19; i++) {
            double kappa = i * 5 / 100.0;
            DuplicateModel m = model.withCategoryAgreement(kappa);
            List<ScoredPair> pairs = new ArrayList<>();
            for (List<LabelledDoc> set : sets) {
                pairs.addAll(pairs(m, set));
            }
            Calibration c = calibrate(pairs);
            byKappa.put(kappa, c);
            f1.put(kappa, c.merge().f1());
            best = Math.max(best, c.merge().f1());
        }
        for (Map.Entry<Double, Calibration> e : byKappa.entrySet()) {
            if (e.getValue().merge().f1() >= best - 0.005) {
                return new ModelCalibration(e.getKey(), e.getValue(), f1);
            }
        }
        throw new IllegalStateException("unreachable: the best κ is within 0.005 of itself");
    }

    /** Every candidate pair of {@code docs} (within the radius and window), scored by {@code model}. */
    public static List<ScoredPair> pairs(DuplicateModel model, List<LabelledDoc> docs) {
        List<LabelledDoc> sorted = new ArrayList<>(docs);
        sorted.sort(Comparator.comparing(d -> d.doc().at()));
        List<ScoredPair> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            LabelledDoc a = sorted.get(i);
            for (int j = i + 1; j < sorted.size(); j++) {
                LabelledDoc b = sorted.get(j);
                if (b.doc().at().isAfter(a.doc().at().plus(DuplicateModel.CANDIDATE_WINDOW))) {
                    break;
                }
                double d = DuplicateModel.distanceMetres(
                        a.doc().lat(), a.doc().lon(), b.doc().lat(), b.doc().lon());
                if (d > DuplicateModel.CANDIDATE_RADIUS_METRES) {
                    continue;
                }
                boolean duplicate = !a.group().isEmpty() && a.group().equals(b.group());
                out.add(new ScoredPair(a, b, model.score(a.doc(), b.doc()), duplicate));
            }
        }
        return out;
    }

    /** Precision, recall and F1 of "score >= threshold means duplicate" on {@code pairs}. */
    public static Prf prf(List<ScoredPair> pairs, double threshold) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (ScoredPair p : pairs) {
            boolean predicted = p.score() >= threshold;
            if (predicted && p.duplicate()) {
                tp++;
            } else if (predicted) {
                fp++;
            } else if (p.duplicate()) {
                fn++;
            }
        }
        return new Prf(threshold, tp, fp, fn);
    }

    /**
     * The merge threshold (maximum F1; the lowest such in steps of 0.01) and the suggest threshold (the highest
     * keeping recall >= 0.99, and at least 0.1 below the merge threshold) on {@code pairs}.
     */
    public static Calibration calibrate(List<ScoredPair> pairs) {
        // a suggestion band of at least SUGGEST_MARGIN below the merge threshold, even where the calibration pairs
        // already reach full recall at the merge threshold: an unseen city has near misses the calibration lacked
        Prf best = prf(pairs, 0);
        Prf suggest = best;
        for (double s = 0.01; s <= 1.0; s += 0.01) {
            double threshold = Math.round(s * 100) / 100.0;
            Prf p = prf(pairs, threshold);
            if (p.f1() > best.f1()) {
                best = p;
            }
            if (p.recall() >= 0.99) {
                suggest = p;
            }
        }
        double cap = Math.round((best.threshold() - SUGGEST_MARGIN) * 100) / 100.0;
        return new Calibration(best, suggest.threshold() <= cap ? suggest : prf(pairs, cap));
    }
}
