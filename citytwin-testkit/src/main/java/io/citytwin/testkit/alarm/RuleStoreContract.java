package io.citytwin.testkit.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.rule.RuleStore;
import io.citytwin.rule.RuleStore.StoredRule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract of the {@link RuleStore} port: subclass it and implement {@link #open(Path)}. */
public abstract class RuleStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    protected Path dir;

    protected abstract RuleStore open(Path dir);

    protected boolean durable() {
        return true;
    }

    private static Map<String, Object> def(double threshold) {
        return Map.of(
                "id", "a.b",
                "scope", Map.of("types", List.of("T")),
                "when", Map.of("attribute", "v", "above", threshold),
                "then", List.of(Map.of("alarm", Map.of("type", "a.b"))));
    }

    @Test
    void save_versionsEachChange_andFindGivesTheLatest() {
        try (RuleStore s = open(dir)) {
            StoredRule v1 = s.save("a.b", def(1), T0);
            StoredRule v2 = s.save("a.b", def(2), T0.plusSeconds(1));
            assertThat(v1.version()).isEqualTo(1);
            assertThat(v2.version()).isEqualTo(2);
            assertThat(((Number) v2.definition().get("version")).intValue()).isEqualTo(2);
            assertThat(s.find("a.b")).contains(v2);
            assertThat(s.versions("a.b")).containsExactly(v1, v2);
            assertThat(s.list()).containsExactly(v2);
        }
    }

    @Test
    void delete_hidesTheRule_andANewSaveStartsAtVersionOne() {
        try (RuleStore s = open(dir)) {
            s.save("a.b", def(1), T0);
            assertThat(s.delete("a.b")).isTrue();
            assertThat(s.delete("a.b")).isFalse();
            assertThat(s.find("a.b")).isEmpty();
            assertThat(s.list()).isEmpty();
            assertThat(s.save("a.b", def(3), T0).version()).isEqualTo(1);
        }
    }

    @Test
    void reopen_keepsTheRules() {
        if (!durable()) {
            return;
        }
        StoredRule v;
        try (RuleStore s = open(dir)) {
            s.save("a.b", def(1), T0);
            v = s.save("a.b", def(1.5), T0.plusSeconds(1));
        }
        try (RuleStore s = open(dir)) {
            assertThat(s.find("a.b")).contains(v);
        }
    }
}
