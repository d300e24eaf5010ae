package io.citytwin.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LabelledTextTest {
    static final Set<String> TYPES =
            Set.of("enquiry", "help-request", "complaint", "violation-report", "suggestion", "public-opinion");

    @Test
    void datasets_coverEveryCategoryInEveryLanguage_withConsistentLabels() {
        for (List<LabelledText> set : List.of(LabelledText.training(), LabelledText.evaluation())) {
            Map<String, Integer> perLanguageCategory = new TreeMap<>();
            for (LabelledText t : set) {
                assertThat(t.language()).isIn("en", "de", "zh");
                assertThat(t.category()).isIn(Triage.CATEGORIES.toArray());
                assertThat(t.type()).isIn(TYPES.toArray());
                assertThat(t.department()).isEqualTo(Triage.defaultDepartment(t.category()));
                assertThat(t.text()).isNotBlank().doesNotContain("\t");
                perLanguageCategory.merge(t.language() + " " + t.category(), 1, Integer::sum);
            }
            assertThat(perLanguageCategory).hasSize(30);
        }
        assertThat(LabelledText.training())
                .filteredOn(t -> t.category().equals("road") && t.language().equals("zh"))
                .hasSizeGreaterThanOrEqualTo(40);
        assertThat(LabelledText.evaluation()).hasSize(450);
    }

    @Test
    void evaluationSet_sharesNoTextWithTheTrainingSet() {
        Set<String> training = new HashSet<>();
        LabelledText.training().forEach(t -> training.add(t.text()));
        assertThat(LabelledText.evaluation()).noneMatch(t -> training.contains(t.text()));
    }

    @Test
    void lexicon_hasEntriesForEveryCategoryInEveryLanguage() {
        Map<String, Map<String, List<String>>> lexicon = LabelledText.lexicon();
        assertThat(lexicon).containsOnlyKeys("de", "en", "zh");
        lexicon.values().forEach(byCategory -> {
            assertThat(byCategory).containsOnlyKeys(Triage.CATEGORIES);
            byCategory.values().forEach(entries -> assertThat(entries).hasSizeGreaterThan(10));
        });
    }

    @Test
    void read_missingResource_isATriageDatasetError() {
        assertThatThrownBy(() -> LabelledText.read("nope.tsv"))
                .isInstanceOf(TwinException.class)
                .extracting(e -> ((TwinException) e).code())
                .isEqualTo("triage.dataset");
    }
}
