package io.citytwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every interface text exists in English, German and Chinese, and none is left empty. */
class TranslationsTest {
    @SuppressWarnings("unchecked")
    private static Map<String, String> load(String lang) throws IOException {
        try (InputStream in = TranslationsTest.class
                .getClassLoader()
                .getResourceAsStream("io/citytwin/dashboard/web/i18n/" + lang + ".json")) {
            assertThat(in).as(lang).isNotNull();
            return new ObjectMapper().readValue(in, Map.class);
        }
    }

    @Test
    void germanAndChinese_translateEveryEnglishKey() throws IOException {
        Map<String, String> en = load("en");
        for (String lang : new String[] {"de", "zh"}) {
            Map<String, String> other = load(lang);
            assertThat(other.keySet()).as(lang).isEqualTo(en.keySet());
            assertThat(other.values()).as(lang).noneMatch(String::isBlank);
        }
        for (MapLayer l : MapLayer.values()) {
            assertThat(en).containsKey("layer." + l.id());
        }
    }
}
