package io.citytwin.app;

import io.citytwin.sim.Behaviour;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySink;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.FaultPlan;
import io.citytwin.sim.HttpCitySink;
import io.citytwin.sim.SimRunner;
import io.citytwin.sim.Simulation;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs the simulated city against a node over HTTP: generates the city and its faults, writes the ground truth,
 * provisions entities and devices with progress bars, then sends telemetry until the end time or until stopped.
 */
final class CitySimulator {
    private CitySimulator() {}

    /**
     * @param target the node, e.g. {@code http://127.0.0.1:8080}
     * @param defaultGroundTruth where the ground truth goes when the options name no file
     * @return the number of messages sent
     */
    static long run(SimOptions o, URI target, Path defaultGroundTruth, InstantSource clock, PrintStream out) {
        Instant start = o.from != null ? o.from : clock.instant();
        if (o.speed == 0 && o.to == null) {
            throw new IllegalArgumentException("--speed 0 (as fast as possible) needs --to");
        }
        City city = CityGenerator.generate(CitySpec.of(o.size, o.seed));
        Instant horizon = o.to != null ? o.to : start.plus(Duration.ofDays(30));
        FaultPlan faults = FaultPlan.generate(
                city, start, horizon, FaultPlan.Rates.defaults().scaled(o.faultRate), o.seed);
        Path truth = o.groundTruth != null ? o.groundTruth : defaultGroundTruth;
        faults.write(truth);
        Simulation sim = new Simulation(new Behaviour(city, o.zone, faults));
        out.printf(
                "Simulated city (seed %d, %s): %d districts, %d road segments, %d lamps, %d detectors, %d things in all;"
                        + " %d faults planned, ground truth in %s%n",
                o.seed,
                o.size.name().toLowerCase(java.util.Locale.ROOT),
                city.districts().size(),
                city.roads().size(),
                city.lamps().size(),
                city.detectors().size(),
                city.size(),
                faults.faults().size(),
                truth.toAbsolutePath().normalize());
        try (CitySink sink = new HttpCitySink(target, "default", 64)) {
            SimRunner runner = new SimRunner(sim, sink, clock, d -> Thread.sleep(d));
            try (ProgressBar bar = bar("Entities", city.size())) {
                runner.provisionEntities(500, bar::stepTo);
            }
            try (ProgressBar bar = bar("Devices ", sim.devices().size())) {
                runner.provisionDevices(500, bar::stepTo);
            }
            out.printf(
                    "Simulating from %s at %s%n",
                    start, o.speed == 0 ? "full speed until " + o.to : o.speed + "x real time");
            long[] lastPrint = {0};
            return runner.run(
                    new SimRunner.Options(
                            start, o.to, o.speed, o.speed == 0 ? Duration.ofMinutes(1) : Duration.ofSeconds(1)),
                    p -> {
                        long now = System.nanoTime();
                        if (now - lastPrint[0] > 10_000_000_000L) {
                            lastPrint[0] = now;
                            out.printf(
                                    "  %s simulated, %d messages (%d accepted, %d rejected as malformed, %d failed)%n",
                                    p.simulatedTime(),
                                    p.messages(),
                                    p.stats().accepted(),
                                    p.stats().rejected(),
                                    p.stats().failed());
                        }
                    });
        }
    }

    private static ProgressBar bar(String task, long max) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .build();
    }
}
