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
}
