package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesConfigTest {
    @TempDir
    Path dir;

    CityTwinConfig load(String yaml) throws IOException {
        Path f = dir.resolve("citytwin.yaml");
        Files.writeString(f, yaml);
        return CityTwinConfig.load(f);
    }

    @Test
    void defaults_eventTicksEveryMinute_andASevenDayRebuildBoundedToAMinute() {
        CityTwinConfig.Rules r = CityTwinConfig.defaults().rules();
        assertThat(r.eventTick()).isEqualTo(Duration.ofMinutes(1));
        assertThat(r.rebuild().lookback()).isEqualTo(Duration.ofDays(7));
        assertThat(r.rebuild().maxSamples()).isEqualTo(2016);
        assertThat(r.rebuild().budget()).isEqualTo(Duration.ofSeconds(60));
        assertThat(r.rebuild().enabled()).isTrue();
        assertThat(r.traceSpan()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void yaml_setsTheRebuildAndEventTickKeys() throws IOException {
        CityTwinConfig.Rules r =
                load("rules:\n  eventTick: PT30S\n  rebuild:\n    lookback: P1D\n    maxSamples: 288\n    budget: PT5S\n")
                        .rules();
        assertThat(r.eventTick()).isEqualTo(Duration.ofSeconds(30));
        assertThat(load("rules:\n  traceSpan: PT0S\n").rules().traceSpan()).isZero();
        assertThat(r.rebuild())
                .isEqualTo(new CityTwinConfig.RulesRebuild(Duration.ofDays(1), 288, Duration.ofSeconds(5)));
        assertThat(load("rules:\n  eventTick: PT0S\n  rebuild: {lookback: PT0S}\n")
                        .rules()
                        .rebuild()
                        .enabled())
                .isFalse();
    }

    @Test
    void badValues_areConfigErrors() {
        assertThatThrownBy(() -> load("rules:\n  rebuild:\n    maxSamples: 0\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("rules.rebuild.maxSamples");
        assertThatThrownBy(() -> load("rules:\n  rebuild:\n    budget: PT0S\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("rules.rebuild.budget");
        assertThatThrownBy(() -> load("rules:\n  eventTick: -PT1M\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("rules.eventTick");
        assertThatThrownBy(() -> load("rules:\n  traceSpan: -PT1M\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("rules.traceSpan");
        assertThatThrownBy(() -> load("rules:\n  rebuild:\n    lookbak: P1D\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("lookbak");
    }
}
