package io.citytwin.triage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The triage toolkit in one object: a {@link LanguageDetector}, a {@link TextClassifier} trained from the shipped
 * labelled set and a {@link DuplicateModel} with the calibrated thresholds. Build it once ({@link #load()} takes well
 * under a second, see {@link #trainingTime()}) and share it: every part is immutable and thread-safe.
 *
 * <pre>{@code
 * Triage triage = Triage.load();
 * Prediction p = triage.classifier().classify("Laterne in der Lindenstraße ist aus", "");
 * p.category();            // "streetlight"
 * p.defaultDepartment();   // "lighting"
 * double s = triage.duplicates().score(docA, docB);
 * boolean merge = s >= triage.duplicates().mergeThreshold();
 * }</pre>
 */
public final class Triage {
    /** The incident categories of contract A, in the catalogue's order. */
    public static final List<String> CATEGORIES =
            List.of("streetlight", "traffic", "water", "air", "road", "waste", "graffiti", "noise", "tree", "other");

    private static final Map<String, String> DEFAULT_DEPARTMENTS = Map.of(
            "streetlight", "lighting",
            "traffic", "traffic",
            "water", "water",
            "air", "environment",
            "noise", "environment",
            "road", "roads",
            "waste", "sanitation",
            "graffiti", "sanitation",
            "tree", "parks",
            "other", "citizen-services");

    private final LanguageDetector detector;
    private final TextClassifier classifier;
    private final DuplicateModel duplicates;
    private final Duration trainingTime;

    private Triage(
            LanguageDetector detector, TextClassifier classifier, DuplicateModel duplicates, Duration trainingTime) {
        this.detector = detector;
        this.classifier = classifier;
        this.duplicates = duplicates;
        this.trainingTime = trainingTime;
    }

    /** Trains on the shipped training set ({@link LabelledText#training()}). */
    public static Triage load() {
        return train(LabelledText.training(), LabelledText.lexicon());
    }

    /**
     * Trains on {@code training} and the keyword {@code lexicon} (language → category → entries; may be empty); each
     * language used later must have examples of every category.
     */
    public static Triage train(List<LabelledText> training, Map<String, Map<String, List<String>>> lexicon) {
        long t0 = System.nanoTime();
        LanguageDetector detector = new LanguageDetector();
        Terms terms = new Terms();
        TextClassifier classifier = new TextClassifier(training, lexicon, detector, terms);
        DuplicateModel duplicates = new DuplicateModel(
                training,
                terms,
                detector,
                DuplicateModel.MERGE_THRESHOLD,
                DuplicateModel.SUGGEST_THRESHOLD,
                DuplicateModel.CATEGORY_AGREEMENT);
        return new Triage(detector, classifier, duplicates, Duration.ofNanos(System.nanoTime() - t0));
    }

    public LanguageDetector detector() {
        return detector;
    }

    public TextClassifier classifier() {
        return classifier;
    }

    public DuplicateModel duplicates() {
        return duplicates;
    }

    /** How long {@link #load()} / {@link #train} took (analysis, both models, the IDF table). */
    public Duration trainingTime() {
        return trainingTime;
    }

    /**
     * The department the default dispatch catalogue of contract A routes {@code category} to; {@code
     * citizen-services} (the catch-all) for an unknown category.
     */
    public static String defaultDepartment(String category) {
        return DEFAULT_DEPARTMENTS.getOrDefault(Objects.requireNonNull(category), "citizen-services");
    }
}
