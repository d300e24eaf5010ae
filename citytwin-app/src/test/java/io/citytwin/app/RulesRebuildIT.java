package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.rule.RuleEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rebuild of windows from the history at start-up, through a real node restarted on its data directory: a
 * windowed rule decides from the samples it saw before the restart on the very first sample after it.
 */
class RulesRebuildIT {
    @TempDir
    Path dir;

    private static final String RULE =
            """
            id: test.level-high
            scope: {types: [Tank]}
            when:
              window: {attribute: level, function: avg, count: 4}
              above: 50
            then:
              - alarm: {type: test.level-high, severity: major}
            """;

    private static final String TANK = "urn:ngsi-ld:Tank:t1";

    private static Node start(Path data, CityTwinConfig.RulesRebuild rebuild) {
        return Node.start(
                CityTwinConfig.defaults()
                        .override(0, "127.0.0.1", data)
                        .withMqttPort(0)
                        .withRules(new CityTwinConfig.Rules(true, null, List.of(), Duration.ofMillis(100))
                                .withRebuild(rebuild)),
                InstantSource.system(),
                Map.of());
    }

    private static Map<String, Object> level(double v, Instant at) {
        return Map.of("type", "Property", "value", v, "observedAt", at.toString());
    }

    /**
     * Three high readings (avg window over four samples: not full yet, no alarm), a restart, then one low reading:
     * the window the node rebuilt from the history holds 80, 80, 80, 20 (avg 65 > 50) and raises; a node without
     * the rebuild sees one sample and decides nothing.
     */
    private static List<Object> restartAndFeedOneLowReading(Path data, CityTwinConfig.RulesRebuild rebuild)
            throws IOException {
        Files.createDirectories(data.resolve("rules"));
        Files.writeString(data.resolve("rules").resolve("level.yaml"), RULE);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (Node node = start(data, rebuild)) {
            Api api = new Api(node.httpPort());
            assertThat(api.post(
                                    "/ngsi-ld/v1/entities",
                                    Map.of("id", TANK, "type", "Tank", "level", level(80, now.minusSeconds(1800))))
                            .status())
                    .isEqualTo(201);
            for (int minutes : new int[] {20, 10}) {
                assertThat(api.patch(
                                        "/ngsi-ld/v1/entities/" + TANK + "/attrs",
                                        Map.of("level", level(80, now.minusSeconds(60L * minutes))))
                                .status())
                        .isEqualTo(204);
            }
            RuleEngine engine = node.rules().orElseThrow();
            engine.flush(); // evaluated and committed: the restarted engine resumes after these events
            node.flushHistory();
            assertThat(api.get("/api/v1/alarms?type=test.level-high").list()).isEmpty();
        }
        try (Node node = start(data, rebuild)) {
            Api api = new Api(node.httpPort());
            assertThat(api.patch("/ngsi-ld/v1/entities/" + TANK + "/attrs", Map.of("level", level(20, now)))
                            .status())
                    .isEqualTo(204);
            node.rules().orElseThrow().flush();
            return api.get("/api/v1/alarms?type=test.level-high").list();
        }
    }

    @Test
    void afterARestart_aWindowedRuleDecidesFromTheRebuiltWindow() throws IOException {
        List<Object> alarms = restartAndFeedOneLowReading(dir.resolve("rebuilt"), CityTwinConfig.RulesRebuild.DEFAULTS);
        assertThat(alarms).singleElement().satisfies(a -> assertThat(a)
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("originator", TANK)
                .containsEntry("rule", "test.level-high"));
    }

    @Test
    void withoutTheRebuild_theWindowStartsEmpty() throws IOException {
        List<Object> alarms = restartAndFeedOneLowReading(
                dir.resolve("cold"), new CityTwinConfig.RulesRebuild(Duration.ZERO, null, null));
        assertThat(alarms).isEmpty();
    }
}
