package io.citytwin.triage;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LanguageDetectorTest {
    final LanguageDetector detector = new LanguageDetector();

    @Test
    void detect_chinese_evenWithLatinRoadNamesAndHashtags() {
        assertThat(detector.detect("解放路的路灯不亮了")).isEqualTo("zh");
        assertThat(detector.detect("在Avenue 10堵了二十分钟，一动不动 #交通 #Kirchberg")).isEqualTo("zh");
        assertThat(detector.detect("今天PM2.5爆表了")).isEqualTo("zh");
    }

    @Test
    void detect_german_byStopwordsUmlautsAndSpelling() {
        assertThat(detector.detect("Die Laterne in der Street 3 ist seit gestern aus."))
                .isEqualTo("de");
        assertThat(detector.detect("Schlagloch in der Avenue 5, fast das Rad verloren."))
                .isEqualTo("de");
        assertThat(detector.detect("Müll überall")).isEqualTo("de");
        assertThat(detector.detect("Strassenbeleuchtung kaputt")).isEqualTo("de");
    }

    @Test
    void detect_english_andEnglishForTiesAndEmptyText() {
        assertThat(detector.detect("The street light on Avenue 3 is out again")).isEqualTo("en");
        assertThat(detector.detect("Pothole on Street 14, nearly lost a wheel."))
                .isEqualTo("en");
        assertThat(detector.detect("")).isEqualTo("en");
        assertThat(detector.detect("!!! 123")).isEqualTo("en");
    }

    @Test
    void detect_onTheEvaluationSet_isRightForAtLeast95PercentPerLanguage() {
        java.util.Map<String, int[]> counts = new java.util.TreeMap<>();
        for (LabelledText t : LabelledText.evaluation()) {
            int[] c = counts.computeIfAbsent(t.language(), l -> new int[2]);
            c[0]++;
            if (detector.detect(t.text()).equals(t.language())) {
                c[1]++;
            }
        }
        assertThat(counts).containsOnlyKeys("de", "en", "zh");
        counts.forEach(
                (language, c) -> assertThat(c[1] / (double) c[0]).as(language).isGreaterThanOrEqualTo(0.95));
    }

    @Test
    void detect_shortGermanWithoutFunctionWords_byTrigrams() {
        assertThat(detector.detect("Leuchte kaputt")).isEqualTo("de");
        assertThat(detector.detect("Ampel blinkt")).isEqualTo("de");
        assertThat(detector.detect("Lamp broken")).isEqualTo("en");
        assertThat(detector.detect("Tree down")).isEqualTo("en");
    }

    @Test
    void detect_firstThreeWordsOfEachEvaluationText_isRightForAtLeast95Percent() {
        int n = 0;
        int right = 0;
        for (LabelledText t : LabelledText.evaluation()) {
            if (t.language().equals("zh")) {
                continue;
            }
            String[] words = t.text().split("\\s+");
            String head = String.join(" ", java.util.Arrays.copyOf(words, Math.min(3, words.length)));
            n++;
            if (detector.detect(head).equals(t.language())) {
                right++;
            }
        }
        assertThat(right / (double) n).isGreaterThanOrEqualTo(0.95);
    }

    @Property
    void detect_anyText_givesOneOfTheThreeLanguages(@ForAll String text) {
        assertThat(detector.detect(text)).isIn("en", "de", "zh");
    }
}
