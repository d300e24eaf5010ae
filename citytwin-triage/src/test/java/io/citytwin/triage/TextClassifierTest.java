package io.citytwin.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TextClassifierTest {
    static TextClassifier classifier;

    @BeforeAll
    static void train() {
        classifier = Triage.load().classifier();
    }

    @Test
    void classify_typicalReports_inEachLanguage() {
        assertThat(classifier
                        .classify("Street light out on Avenue 3, pitch dark", "en")
                        .category())
                .isEqualTo("streetlight");
        assertThat(classifier
                        .classify("Die Straßenlaterne vor unserem Haus ist kaputt", "de")
                        .category())
                .isEqualTo("streetlight");
        assertThat(classifier.classify("小区门口路灯不亮", "zh").category()).isEqualTo("streetlight");
        assertThat(classifier.classify("井盖缺失，很危险", "zh").category()).isEqualTo("road");
        assertThat(classifier.classify("楼下酒吧噪音扰民到凌晨", "zh").category()).isEqualTo("noise");
        assertThat(classifier
                        .classify("Riesiges Schlagloch auf der Hauptstraße", "de")
                        .category())
                .isEqualTo("road");
        assertThat(classifier
                        .classify("Graffiti sprayed on the school wall", "en")
                        .category())
                .isEqualTo("graffiti");
    }

    @Test
    void classify_scoresAreAProbabilityOverAllCategories() {
        Prediction p = classifier.classify("The bin on Street 20 is overflowing again", "en");
        assertThat(p.category()).isEqualTo("waste");
        assertThat(p.defaultDepartment()).isEqualTo("sanitation");
        assertThat(p.scores()).containsOnlyKeys(Triage.CATEGORIES);
        assertThat(p.scores().values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, within(1e-9));
        assertThat(p.confidence()).isEqualTo(p.scores().get("waste"));
        assertThat(p.scores().values()).allSatisfy(v -> assertThat(v).isLessThanOrEqualTo(p.confidence()));
        assertThat(p.type())
                .isIn("enquiry", "help-request", "complaint", "violation-report", "suggestion", "public-opinion");
    }

    @Test
    void classify_withoutHint_detectsTheLanguage_unknownHintsAreIgnored() {
        assertThat(classifier.classify("垃圾桶满了没人清运", "").language()).isEqualTo("zh");
        assertThat(classifier.classify("Der Müll wurde nicht abgeholt", "").language())
                .isEqualTo("de");
        assertThat(classifier.classify("Der Müll wurde nicht abgeholt", "fr").language())
                .isEqualTo("de");
        assertThat(classifier.classify("Der Müll wurde nicht abgeholt", "de-AT").language())
                .isEqualTo("de");
        assertThat(classifier.classify("Der Müll wurde nicht abgeholt", " DE ").category())
                .isEqualTo("waste");
    }

    @Test
    void classify_emptyText_givesALowConfidenceAnswer() {
        Prediction p = classifier.classify("", "en");
        assertThat(p.category()).isIn(Triage.CATEGORIES.toArray());
        assertThat(p.confidence()).isLessThan(0.5);
    }

    @Test
    void classifier_learnsFromItsTrainingData_notFromHardCodedRules() {
        // swap two labels in a tiny training set: the predictions follow the data
        List<LabelledText> tiny = List.of(
                new LabelledText("en", "noise", "complaint", "environment", "lamp dark broken"),
                new LabelledText("en", "streetlight", "complaint", "lighting", "loud music party"));
        TextClassifier swapped = new TextClassifier(tiny, Map.of(), new LanguageDetector());
        assertThat(swapped.classify("the lamp is dark", "en").category()).isEqualTo("noise");
        assertThat(swapped.classify("loud party next door", "en").category()).isEqualTo("streetlight");
    }

    @Test
    void classify_isSafeFromManyThreads() throws Exception {
        List<LabelledText> eval = LabelledText.evaluation();
        List<String> expected = eval.stream()
                .map(t -> classifier.classify(t.text(), t.language()).category())
                .toList();
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger mismatches = new java.util.concurrent.atomic.AtomicInteger();
        for (int k = 0; k < 4; k++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < eval.size(); i++) {
                    LabelledText t = eval.get(i);
                    if (!classifier.classify(t.text(), t.language()).category().equals(expected.get(i))) {
                        mismatches.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(mismatches.get()).isZero();
    }
}
