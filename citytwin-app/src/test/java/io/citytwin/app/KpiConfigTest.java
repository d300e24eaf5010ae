package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KpiConfigTest {
    @TempDir
    Path dir;

    CityTwinConfig load(String yaml) throws IOException {
        Path f = dir.resolve("citytwin.yaml");
        Files.writeString(f, yaml);
        return CityTwinConfig.load(f);
    }

    @Test
    void defaults_areOnEveryMinuteInUtc() {
        KpiConfig k = CityTwinConfig.defaults().kpi();
        assertThat(k.enabled()).isTrue();
        assertThat(k.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(k.options().zone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void yaml_setsTheKpiKeys() throws IOException {
        KpiConfig k =
                load("kpi:\n  enabled: false\n  interval: PT5S\n  zone: Asia/Shanghai\n  aqiHazardous: SPLIT\n  waterLimits: WHO_GDWQ\n")
                        .kpi();
        assertThat(k.enabled()).isFalse();
        assertThat(k.options().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(k.options().zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(k.options().hazardous()).isEqualTo(io.citytwin.kpi.air.UsAqi.HazardousScale.SPLIT);
        assertThat(k.options().limits()).isEqualTo(io.citytwin.kpi.water.DrinkingWaterLimits.WHO_GDWQ);
        assertThat(load("http:\n  port: 9090\n").kpi().enabled()).isTrue();
    }

    @Test
    void badValues_areConfigErrors() {
        assertThatThrownBy(() -> load("kpi:\n  zone: Mars/Olympus\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("kpi.zone");
        assertThatThrownBy(() -> load("kpi:\n  interval: PT0S\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("kpi.interval");
        assertThatThrownBy(() -> load("kpi:\n  aqiHazardous: HALF\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("kpi.aqiHazardous");
        assertThatThrownBy(() -> load("kpi:\n  intervall: PT1M\n"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("intervall");
    }
}
