package io.citytwin.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's measured targets: classification accuracy >= 0.9 and routing accuracy >= 0.95 per language on the
 * held-out evaluation set; duplicate F1 >= 0.9 on the simulator's reports of seeds not used for calibration.
 */
class TriageEvaluationIT {
    /** The simulator seeds the duplicate model was calibrated on (DuplicateModel) and those it is checked on. */
    static final List<Long> CALIBRATION_SEEDS = List.of(1L, 3L, 5L);

    static final List<Long> TEST_SEEDS = List.of(2L, 4L, 6L);

    static Triage triage;

    @BeforeAll
    static void load() {
        triage = Triage.load();
    }

    @Test
    void classification_perLanguage_meetsTheTargets() {
        List<TriageEvaluation.LanguageResult> results =
                TriageEvaluation.classification(triage.classifier(), LabelledText.evaluation());
        assertThat(results)
                .extracting(TriageEvaluation.LanguageResult::language)
                .containsExactly("de", "en", "zh");
        for (TriageEvaluation.LanguageResult r : results) {
            System.out.printf(
                    "%s n=%d accuracy=%.3f routing=%.3f type=%.3f confusion=%s%n",
                    r.language(), r.n(), r.accuracy(), r.routingAccuracy(), r.typeAccuracy(), r.confusion());
            assertThat(r.n()).isGreaterThanOrEqualTo(150);
            assertThat(r.accuracy()).as(r.language() + " accuracy").isGreaterThanOrEqualTo(0.9);
            assertThat(r.routingAccuracy()).as(r.language() + " routing").isGreaterThanOrEqualTo(0.95);
        }
    }

    @Test
    void duplicates_calibratedOnSeeds135_reproduceTheShippedModel_andReachF1OnSeeds246() {
        DuplicateModel model = triage.duplicates();
        List<List<TriageEvaluation.LabelledDoc>> calibrationSets =
                CALIBRATION_SEEDS.stream().map(s -> SimReports.docs(triage, s)).toList();
        TriageEvaluation.ModelCalibration c = TriageEvaluation.calibrateModel(model, calibrationSets);
        System.out.printf(
                "calibration seeds %s: F1 by kappa %s; kappa %.2f merge %.2f (F1 %.3f) suggest %.2f (recall %.3f)%n",
                CALIBRATION_SEEDS,
                c.f1ByAgreement(),
                c.categoryAgreement(),
                c.thresholds().merge().threshold(),
                c.thresholds().merge().f1(),
                c.thresholds().suggest().threshold(),
                c.thresholds().suggest().recall());
        // the shipped constants are this calibration's result (re-calibrate and update them when the simulator changes)
        assertThat(model.categoryAgreement()).isEqualTo(c.categoryAgreement());
        assertThat(model.mergeThreshold()).isEqualTo(c.thresholds().merge().threshold());
        assertThat(model.suggestThreshold()).isEqualTo(c.thresholds().suggest().threshold());

        List<TriageEvaluation.ScoredPair> all = new ArrayList<>();
        for (long seed : TEST_SEEDS) {
            List<TriageEvaluation.ScoredPair> test = TriageEvaluation.pairs(model, SimReports.docs(triage, seed));
            all.addAll(test);
            TriageEvaluation.Prf merge = TriageEvaluation.prf(test, model.mergeThreshold());
            TriageEvaluation.Prf suggest = TriageEvaluation.prf(test, model.suggestThreshold());
            System.out.printf(
                    "test seed %d: %d pairs, %d duplicates; merge %.2f P %.3f R %.3f F1 %.3f; suggest %.2f R %.3f%n",
                    seed,
                    test.size(),
                    merge.truePositives() + merge.falseNegatives(),
                    merge.threshold(),
                    merge.precision(),
                    merge.recall(),
                    merge.f1(),
                    suggest.threshold(),
                    suggest.recall());
            assertThat(merge.truePositives() + merge.falseNegatives()).isGreaterThan(30);
            assertThat(merge.f1()).as("F1 on seed " + seed).isGreaterThanOrEqualTo(0.9);
            assertThat(suggest.recall()).isGreaterThanOrEqualTo(merge.recall());
        }
        assertThat(TriageEvaluation.prf(all, model.mergeThreshold()).f1()).isGreaterThanOrEqualTo(0.9);
    }
}
