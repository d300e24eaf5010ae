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

class DashboardConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults_serveTheDashboard_offline() {
        DashboardConfig d = CityTwinConfig.defaults().dashboard();
        assertThat(d.enabled()).isTrue();
        assertThat(d.options().tileUrl()).isEmpty();
        assertThat(d.options().pointZoom()).isEqualTo(16);
    }

    @Test
    void yamlSection_isRead() throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(
                f,
                """
                dashboard:
                  enabled: false
                  tiles: https://tile.example.org/{z}/{x}/{y}.png
                  pointZoom: 15
                  flush: PT1S
                  maxEvents: 40
                """);
        DashboardConfig d = CityTwinConfig.load(f).dashboard();
        assertThat(d.enabled()).isFalse();
        assertThat(d.options().tileUrl()).contains("https://tile.example.org/{z}/{x}/{y}.png");
        assertThat(d.options().pointZoom()).isEqualTo(15);
        assertThat(d.options().flush()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.options().maxEvents()).isEqualTo(40);
        assertThat(CityTwinConfig.defaults().dashboard().options().maxEvents()).isEqualTo(100);
    }

    @Test
    void badValues_andUnknownKeys_areConfigErrors() throws IOException {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "dashboard:\n  pointZoom: 40\n");
        assertThatThrownBy(() -> CityTwinConfig.load(f))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("pointZoom");
        Files.writeString(f, "dashboard:\n  maxEvents: 0\n");
        assertThatThrownBy(() -> CityTwinConfig.load(f)).isInstanceOf(TwinException.class);
        Files.writeString(f, "dashboard:\n  tile: x\n");
        assertThatThrownBy(() -> CityTwinConfig.load(f))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("config.unknown-key"));
    }
}
