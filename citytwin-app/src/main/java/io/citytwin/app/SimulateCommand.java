package io.citytwin.app;

import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code citytwin simulate}: the simulated city against a running node. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the simulated city against a running CityTwin node: provisions its entities and devices over the"
                    + " HTTP APIs, then sends the devices' telemetry in real time, accelerated (--speed) or as fast"
                    + " as possible (--speed 0 --to TIME, for backfilling history). Faults are injected at the"
                    + " default rates and written to a ground-truth log."
        })
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--target", paramLabel = "URL", description = "The node's HTTP address. Default: ${DEFAULT-VALUE}.")
    URI target = URI.create("http://127.0.0.1:8080");

    @CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @Override
    public Integer call() {
        long sent = CitySimulator.run(sim, target, Path.of("ground-truth.jsonl"), InstantSource.system(), System.out);
        System.out.println("Done: " + sent + " messages sent.");
        return 0;
    }
}
