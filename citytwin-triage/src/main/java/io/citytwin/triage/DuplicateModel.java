package io.citytwin.triage;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/*
 * DUPLICATE SCORE of two citizen reports (REFERENCE.md section 7, after FixMyStreet's duplicate suggestions):
 *
 *   s = 0.4·e^(−d / 100 m) + 0.2·e^(−Δt / 24 h) + 0.4·t
 *
 * d: great-circle distance (equirectangular approximation, exact to < 0.1 % within 250 m); Δt: time between them.
 * t, the text term, is a TF-IDF cosine (Salton & Buckley 1988, "Term-weighting approaches in automatic text
 * retrieval": weight = (1 + ln tf) · idf, idf = ln((N + 1) / (df + 1)) + 1, df counted over the shipped training
 * texts, N their number) of character n-grams: 2- and 3-grams of Han runs for Chinese, analysed stems plus their
 * 3-grams for English and German (typos and compounds still overlap).
 *
 * Category agreement. Across languages the n-grams of two texts about the same lamp barely overlap (only road and
 * district names), and within one language two people rarely word a report alike ("Stuck on Avenue 15 for 20
 * minutes, nothing moves" vs "Accident on Avenue 15, traffic is backed up": cosine 0.29), so the cosine alone calls most true duplicates unrelated.
 * The (classified) category is the language-independent meaning both texts share, so for two reports of the same
 * specific category t = κ + (1 − κ)·cos (identical texts still give 1); for different categories t = 0.5·cos
 * (FixMyStreet only suggests duplicates of the same category; we keep a small chance for a misclassified report);
 * for the catch-all "other" (praise, questions: agreeing on it means nothing) and when a category is unknown,
 * t = cos. κ = 0.9 is the smallest κ whose F1 on the calibration seeds is within 0.005 of the best (0.5 → 0.968,
 * 0.75 → 0.973, 0.9 → 0.976, 0.95 → 0.978): the most weight the data allow to leave on the actual words. The
 * simulator words reports from a few templates per fault type, so on its reports the category says nearly all the
 * words can; a city with real reports should re-calibrate (TriageEvaluation.calibrateModel).
 *
 * Thresholds (mergeThreshold: auto-attach as child report; suggestThreshold: list for the operator) are calibrated
 * on the simulator's citizen reports (CitizenReports: same faultId = duplicate) over a simulated week of a medium
 * city, candidate pairs within 250 m and 7 days as the incident service searches them; merge = the threshold that
 * maximises F1 on the calibration seeds (1, 3, 5), suggest = the highest threshold that keeps recall ≥ 0.99 there,
 * but at least 0.1 below merge. Results on
 * seeds 2, 4, 6: docs/triage.md and TriageEvaluationIT. Immutable after construction: thread-safe.
 */
/** Scores how likely two citizen reports are about the same thing (see DUPLICATE SCORE). Thread-safe. */
public final class DuplicateModel {
    /** Radius within which the incident service looks for candidates, metres (FixMyStreet's default). */
    public static final double CANDIDATE_RADIUS_METRES = 250;
    /** Time window within which the incident service looks for candidates. */
    public static final Duration CANDIDATE_WINDOW = Duration.ofDays(7);

    // calibrated by TriageEvaluation.calibrateModel on simulator seeds 1, 3, 5 (TriageEvaluationIT checks it)
    static final double MERGE_THRESHOLD = 0.81;
    static final double SUGGEST_THRESHOLD = 0.71;
    static final double CATEGORY_AGREEMENT = 0.9;
    static final double OTHER_CATEGORY_FACTOR = 0.5;
    private static final String CATCH_ALL = "other";
    private static final double EARTH_RADIUS_METRES = 6_371_008.8;

    /**
     * One report as the duplicate model sees it.
     *
     * @param text what the citizen wrote
     * @param language en, de or zh (empty: detected)
     * @param category its category (classified), or empty if unknown
     * @param lon longitude, WGS 84 degrees
     * @param lat latitude, WGS 84 degrees
     * @param at when it was reported
     */
    public record Doc(String text, String language, String category, double lon, double lat, Instant at) {
        public Doc {
            Objects.requireNonNull(text);
            Objects.requireNonNull(language);
            Objects.requireNonNull(category);
            Objects.requireNonNull(at);
        }
    }

    private final Terms terms;
    private final LanguageDetector detector;
    private final Map<String, Double> idf = new HashMap<>();
    private final double unseenIdf;
    private final double merge;
    private final double suggest;
    private final double categoryAgreement;

    DuplicateModel(
            List<LabelledText> corpus,
            Terms terms,
            LanguageDetector detector,
            double merge,
            double suggest,
            double categoryAgreement) {
        this.terms = Objects.requireNonNull(terms);
        this.detector = Objects.requireNonNull(detector);
        if (!(suggest <= merge)) {
            throw new IllegalArgumentException("suggest threshold above merge threshold");
        }
        this.merge = merge;
        this.suggest = suggest;
        this.categoryAgreement = categoryAgreement;
        Map<String, Integer> df = new HashMap<>();
        for (LabelledText t : corpus) {
            for (String g : new HashSet<>(terms.ngrams(t.text(), t.language()))) {
                df.merge(g, 1, Integer::sum);
            }
        }
        int n = corpus.size();
        df.forEach((g, count) -> idf.put(g, Math.log((n + 1.0) / (count + 1.0)) + 1));
        this.unseenIdf = Math.log(n + 1.0) + 1;
    }

    /**
     * The duplicate score of {@code a} and {@code b}, 0..1: symmetric; 1 for the same text at the same place and
     * time.
     */
    public double score(Doc a, Doc b) {
        double d = distanceMetres(a.lat(), a.lon(), b.lat(), b.lon());
        double hours = Math.abs(Duration.between(a.at(), b.at()).toMillis()) / 3_600_000.0;
        return 0.4 * Math.exp(-d / 100) + 0.2 * Math.exp(-hours / 24) + 0.4 * textSimilarity(a, b);
    }

    /** The text term t of the score, 0..1 (see DUPLICATE SCORE). */
    public double textSimilarity(Doc a, Doc b) {
        double cos = cosine(vector(a.text(), language(a)), vector(b.text(), language(b)));
        if (a.category().isEmpty() || b.category().isEmpty()) {
            return cos;
        }
        if (!a.category().equals(b.category())) {
            return cos * OTHER_CATEGORY_FACTOR;
        }
        if (a.category().equals(CATCH_ALL)) {
            return cos;
        }
        return categoryAgreement + (1 - categoryAgreement) * cos;
    }

    /** At or above this score a report is attached to the incident as a child report. */
    public double mergeThreshold() {
        return merge;
    }

    /** At or above this score (and below {@link #mergeThreshold()}) it is suggested to the operator. */
    public double suggestThreshold() {
        return suggest;
    }

    /** The same model with other thresholds (for instance a city's own calibration). */
    public DuplicateModel withThresholds(double mergeThreshold, double suggestThreshold) {
        return new DuplicateModel(this, mergeThreshold, suggestThreshold, categoryAgreement);
    }

    /** The same model with another category-agreement floor κ (calibration). */
    DuplicateModel withCategoryAgreement(double kappa) {
        return new DuplicateModel(this, merge, suggest, kappa);
    }

    /** κ: the text term of two reports of the same specific category is at least this. */
    public double categoryAgreement() {
        return categoryAgreement;
    }

    private DuplicateModel(DuplicateModel m, double merge, double suggest, double categoryAgreement) {
        if (!(suggest <= merge)) {
            throw new IllegalArgumentException("suggest threshold above merge threshold");
        }
        this.terms = m.terms;
        this.detector = m.detector;
        this.idf.putAll(m.idf);
        this.unseenIdf = m.unseenIdf;
        this.categoryAgreement = categoryAgreement;
        this.merge = merge;
        this.suggest = suggest;
    }

    /** Great-circle distance in metres (equirectangular approximation; fine below a few kilometres). */
    public static double distanceMetres(double lat1, double lon1, double lat2, double lon2) {
        double x = Math.toRadians(lon2 - lon1) * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        double y = Math.toRadians(lat2 - lat1);
        return Math.sqrt(x * x + y * y) * EARTH_RADIUS_METRES;
    }

    private String language(Doc d) {
        return LanguageDetector.LANGUAGES.contains(d.language()) ? d.language() : detector.detect(d.text());
    }

    Map<String, Double> vector(String text, String language) {
        Map<String, Integer> tf = new HashMap<>();
        for (String g : terms.ngrams(text, language)) {
            tf.merge(g, 1, Integer::sum);
        }
        Map<String, Double> v = new HashMap<>(tf.size() * 2);
        double norm = 0;
        for (Map.Entry<String, Integer> e : tf.entrySet()) {
            double w = (1 + Math.log(e.getValue())) * idf.getOrDefault(e.getKey(), unseenIdf);
            v.put(e.getKey(), w);
            norm += w * w;
        }
        if (norm > 0) {
            double n = Math.sqrt(norm);
            v.replaceAll((k, w) -> w / n);
        }
        return v;
    }

    static double cosine(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Double> small = a.size() <= b.size() ? a : b;
        Map<String, Double> large = small == a ? b : a;
        double dot = 0;
        for (Map.Entry<String, Double> e : small.entrySet()) {
            Double w = large.get(e.getKey());
            if (w != null) {
                dot += e.getValue() * w;
            }
        }
        return Math.min(1, dot);
    }
}
