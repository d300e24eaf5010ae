package io.citytwin.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DuplicateModelTest {
    static final Instant T0 = Instant.parse("2026-11-16T20:00:00Z");
    static final double LON = 13.4;
    static final double LAT = 52.5;
    // metres per degree of latitude (mean Earth radius)
    static final double M_PER_DEG = 6_371_008.8 * Math.PI / 180;

    static DuplicateModel model;

    @BeforeAll
    static void load() {
        model = Triage.load().duplicates();
    }

    static DuplicateModel.Doc doc(String text, String language, String category, double northMetres, Duration later) {
        return new DuplicateModel.Doc(text, language, category, LON, LAT + northMetres / M_PER_DEG, T0.plus(later));
    }

    @Test
    void score_sameText_samePlaceAndTime_isOne() {
        DuplicateModel.Doc a = doc("Street light out on Avenue 3", "en", "streetlight", 0, Duration.ZERO);
        assertThat(model.score(a, a)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void score_followsTheReferenceFormula() {
        // different categories, unrelated words: t = 0.5 * cos, cos small
        DuplicateModel.Doc a = doc("Pothole on Avenue 3", "en", "road", 0, Duration.ZERO);
        DuplicateModel.Doc b = doc("Graffiti on the shelter", "en", "graffiti", 100, Duration.ofHours(24));
        double t = model.textSimilarity(a, b);
        assertThat(model.score(a, b)).isCloseTo(0.4 * Math.exp(-1) + 0.2 * Math.exp(-1) + 0.4 * t, within(1e-3));
        assertThat(t).isLessThan(0.2);
    }

    @Test
    void englishAndGermanReportOfOneLamp_areMerged_aPotholeNextToItIsNot() {
        DuplicateModel.Doc en =
                doc("Street light out on Avenue 3, it's pitch dark", "en", "streetlight", 0, Duration.ZERO);
        DuplicateModel.Doc de = doc(
                "Die Laterne in der Avenue 3 ist seit heute Abend kaputt",
                "de",
                "streetlight",
                25,
                Duration.ofMinutes(40));
        DuplicateModel.Doc zh = doc("Avenue 3的路灯不亮了，路口一片漆黑", "zh", "streetlight", 10, Duration.ofMinutes(90));
        DuplicateModel.Doc pothole =
                doc("Pothole on Avenue 3, nearly lost a wheel", "en", "road", 20, Duration.ofMinutes(30));
        assertThat(model.score(en, de)).isGreaterThanOrEqualTo(model.mergeThreshold());
        assertThat(model.score(en, zh)).isGreaterThanOrEqualTo(model.mergeThreshold());
        assertThat(model.score(en, pothole)).isLessThan(model.suggestThreshold());
    }

    @Test
    void sameCategoryFarApartOrDaysLater_isNotMerged() {
        DuplicateModel.Doc a = doc("Street light out on Avenue 3", "en", "streetlight", 0, Duration.ZERO);
        DuplicateModel.Doc far = doc("Lamp broken on Street 9", "en", "streetlight", 240, Duration.ofMinutes(10));
        DuplicateModel.Doc later = doc("Lamp broken on Avenue 3", "en", "streetlight", 60, Duration.ofDays(5));
        assertThat(model.score(a, far)).isLessThan(model.mergeThreshold());
        assertThat(model.score(a, later)).isLessThan(model.mergeThreshold());
    }

    @Test
    void textSimilarity_chineseUsesCharacterNgrams() {
        DuplicateModel.Doc a = doc("解放路路灯不亮", "zh", "", 0, Duration.ZERO);
        DuplicateModel.Doc b = doc("解放路的路灯不亮了", "zh", "", 0, Duration.ZERO);
        DuplicateModel.Doc c = doc("解放路垃圾桶满了", "zh", "", 0, Duration.ZERO);
        assertThat(model.textSimilarity(a, b)).isGreaterThan(0.5).isGreaterThan(model.textSimilarity(a, c));
    }

    @Test
    void otherCategory_agreementAddsNothing() {
        DuplicateModel.Doc a = doc("Thank you for the new bike lane", "en", "other", 0, Duration.ZERO);
        DuplicateModel.Doc b = doc("When does the town hall open?", "en", "other", 0, Duration.ZERO);
        assertThat(model.textSimilarity(a, b)).isLessThan(0.3);
    }

    @Test
    void thresholds_areOrdered_andReplaceable() {
        assertThat(model.suggestThreshold()).isLessThan(model.mergeThreshold());
        DuplicateModel custom = model.withThresholds(0.9, 0.5);
        assertThat(custom.mergeThreshold()).isEqualTo(0.9);
        assertThat(custom.suggestThreshold()).isEqualTo(0.5);
        assertThat(model.mergeThreshold()).isEqualTo(DuplicateModel.MERGE_THRESHOLD);
    }

    @Test
    void distance_equirectangular_matchesKnownValues() {
        assertThat(DuplicateModel.distanceMetres(52.5, 13.4, 52.5 + 100 / M_PER_DEG, 13.4))
                .isCloseTo(100, within(0.01));
        assertThat(DuplicateModel.distanceMetres(52.5, 13.4, 52.5, 13.4)).isZero();
    }

    @Property
    void score_isSymmetric_andBetweenZeroAndOne(
            @ForAll String textA,
            @ForAll String textB,
            @ForAll @DoubleRange(min = 0, max = 300) double metres,
            @ForAll @IntRange(min = 0, max = 10_000) int minutes,
            @ForAll("categories") String catA,
            @ForAll("categories") String catB) {
        DuplicateModel.Doc a = doc(textA, "", catA, 0, Duration.ZERO);
        DuplicateModel.Doc b = doc(textB, "", catB, metres, Duration.ofMinutes(minutes));
        double s = model.score(a, b);
        assertThat(s).isBetween(0.0, 1.0 + 1e-9).isCloseTo(model.score(b, a), within(1e-12));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> categories() {
        return net.jqwik.api.Arbitraries.of("", "streetlight", "road", "other");
    }
}
