package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.sim.CitySize;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void sizes_areAcceptedInAnyCase_asTheReadmeWritesThem() {
        for (String size : new String[] {"large", "LARGE", "Medium"}) {
            CommandLine.ParseResult parsed = Main.commandLine().parseArgs("simulate", "--size", size);
            CitySize value = parsed.subcommand().matchedOptionValue("--size", CitySize.SMALL);
            assertThat(value.name()).isEqualToIgnoringCase(size);
        }
        assertThatThrownBy(() -> Main.commandLine().parseArgs("simulate", "--size", "huge"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void demo_defaultsToAMediumCityInAcceleratedTime_simulateToASmallOneInRealTime() {
        Main.Demo d = command(Main.Demo.class, "demo");
        assertThat(d.sim.size).isEqualTo(CitySize.MEDIUM);
        assertThat(d.sim.speed).isEqualTo(60.0);
        assertThat(Main.commandLine().getSubcommands().get("demo").getUsageMessage())
                .contains("Default: MEDIUM", "Default: 60");

        d = command(Main.Demo.class, "demo", "--size", "small", "--speed", "1");
        assertThat(d.sim.size).isEqualTo(CitySize.SMALL);
        assertThat(d.sim.speed).isEqualTo(1.0);

        SimulateCommand s = command(SimulateCommand.class, "simulate");
        assertThat(s.sim.size).isEqualTo(CitySize.SMALL);
        assertThat(s.sim.speed).isEqualTo(1.0);
    }

    private static <T> T command(Class<T> type, String... args) {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args);
        return type.cast(parsed.subcommand().commandSpec().userObject());
    }
}
