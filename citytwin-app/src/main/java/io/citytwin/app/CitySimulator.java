package io.citytwin.app;

import com.sun.management.UnixOperatingSystemMXBean;
import io.citytwin.sim.Behaviour;
import io.citytwin.sim.CitizenReports;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySink;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.FaultPlan;
import io.citytwin.sim.GeoJsonCity;
import io.citytwin.sim.HttpCitySink;
import io.citytwin.sim.MqttCitySink;
import io.citytwin.sim.Open311Poster;
import io.citytwin.sim.RateLimitedSink;
import io.citytwin.sim.SimRunner;
import io.citytwin.sim.Simulation;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs the simulated city against a node over HTTP or MQTT (or a plain MQTT broker): generates the city and its faults, writes the ground truth,
 * provisions entities and devices with progress bars, then sends telemetry until the end time or until stopped.
 */
final class CitySimulator {
    private CitySimulator() {}

    /** Runs the city against {@code target}, the broker (if any) in another process. */
    static long run(SimOptions o, SimTarget target, Path defaultGroundTruth, InstantSource clock, PrintStream out) {
        return run(o, target, defaultGroundTruth, clock, out, false);
    }

    /**
     * @param target where the city goes
     * @param defaultGroundTruth where the ground truth goes when the options name no file
     * @param brokerInProcess whether the MQTT broker runs in this process (each connection then costs two file
     *     descriptors here)
     * @return the number of messages sent
     */
    static long run(
            SimOptions o,
            SimTarget target,
            Path defaultGroundTruth,
            InstantSource clock,
            PrintStream out,
            boolean brokerInProcess) {
        Instant start = o.from != null ? o.from : clock.instant();
        if (o.speed == 0 && o.to == null) {
            throw new IllegalArgumentException("--speed 0 (as fast as possible) needs --to");
        }
        City city = o.cityGeoJson != null
                ? GeoJsonCity.load(o.cityGeoJson, CitySpec.of(o.size, o.seed))
                : CityGenerator.generate(CitySpec.of(o.size, o.seed));
        Instant horizon = o.to != null ? o.to : start.plus(Duration.ofDays(30));
        FaultPlan faults = FaultPlan.generate(
                city, start, horizon, FaultPlan.Rates.defaults().scaled(o.faultRate), o.seed);
        Path truth = o.groundTruth != null ? o.groundTruth : defaultGroundTruth;
        faults.write(truth);
        List<CitizenReports.Report> reports = CitizenReports.generate(
                city, faults, start, horizon, 2.0 * city.districts().size() * Math.min(1, o.faultRate), o.seed);
        Path reportsFile =
                o.reports != null ? o.reports : truth.toAbsolutePath().resolveSibling("reports.jsonl");
        CitizenReports.write(reports, reportsFile);
        Simulation sim = new Simulation(new Behaviour(city, o.zone, faults));
        out.printf(
                "Simulated city (seed %d, %s): %d districts, %d road segments, %d lamps, %d detectors, %d things in all;"
                        + " %d faults planned, ground truth in %s; %d citizen reports in %s%n",
                o.seed,
                o.size.name().toLowerCase(java.util.Locale.ROOT),
                city.districts().size(),
                city.roads().size(),
                city.lamps().size(),
                city.detectors().size(),
                city.size(),
                faults.faults().size(),
                truth.toAbsolutePath().normalize(),
                reports.size(),
                reportsFile.toAbsolutePath().normalize());
        SimRunner.Sleeper sleeper = d -> Thread.sleep(d);
        try (CitySink sink = sink(o, target, sim.devices().size(), clock, sleeper, out, brokerInProcess);
                Open311Poster poster = o.reportsTo == null ? null : new Open311Poster(o.reportsTo)) {
            int[] nextReport = {0};
            SimRunner runner = new SimRunner(sim, sink, clock, sleeper);
            if (target.provision()) {
                try (ProgressBar bar = bar("Entities", city.size())) {
                    runner.provisionEntities(500, bar::stepTo);
                }
                try (ProgressBar bar = bar("Devices ", sim.devices().size())) {
                    runner.provisionDevices(500, bar::stepTo);
                }
            }
            out.printf(
                    "Simulating from %s at %s%n",
                    start, o.speed == 0 ? "full speed until " + o.to : o.speed + "x real time");
            long[] lastPrint = {0};
            return runner.run(
                    new SimRunner.Options(
                            start, o.to, o.speed, o.speed == 0 ? Duration.ofMinutes(1) : Duration.ofSeconds(1)),
                    p -> {
                        while (poster != null
                                && nextReport[0] < reports.size()
                                && !reports.get(nextReport[0]).time().isAfter(p.simulatedTime())) {
                            poster.post(reports.get(nextReport[0]++));
                        }
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

    /** The sink of {@code target}, paced at {@code --rate} when one is given. */
    static CitySink sink(
            SimOptions o,
            SimTarget target,
            int devices,
            InstantSource clock,
            SimRunner.Sleeper sleeper,
            PrintStream out,
            boolean brokerInProcess) {
        CitySink sink;
        if (!target.mqtt()) {
            sink = new HttpCitySink(target.target(), target.tenant(), 64);
        } else if (target.provision()) {
            int cap = Math.min(target.maxConnections(), connectionBudget(brokerInProcess));
            if (devices > cap) {
                out.printf(
                        "The city has %d devices; a CityTwin broker takes one device per MQTT connection and at most"
                                + " %d are open here (--mqtt-connections, and the open-files limit: ulimit -n)."
                                + " %d devices publish over MQTT, the other %d send their telemetry over HTTP.%n",
                        devices, cap, cap, devices - cap);
            }
            sink = new MqttCitySink(
                    MqttCitySink.Options.cityTwin(target.target().getHost(), target.mqttPort(), target.tenant(), cap),
                    new HttpCitySink(target.httpApi(), target.tenant(), 64));
            out.printf(
                    "Publishing over MQTT to %s (one connection per device), provisioning through %s%n",
                    target.target(), target.httpApi());
        } else {
            sink = new MqttCitySink(
                    MqttCitySink.Options.plain(
                            target.target().getHost(),
                            target.mqttPort(),
                            target.tenant(),
                            target.pool(),
                            target.username(),
                            target.password()),
                    null);
            out.printf(
                    "Publishing over MQTT to %s (%d shared connections, nothing provisioned)%n",
                    target.target(), target.pool());
        }
        return o.rate > 0 ? new RateLimitedSink(sink, o.rate, clock, sleeper) : sink;
    }

    /**
     * How many more connections this process can open: the open-files limit less what is open and a reserve of
     * 1,024 (for the node's own files and HTTP clients), halved when the broker runs here too.
     */
    static int connectionBudget(boolean brokerInProcess) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 1024;
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, free / (brokerInProcess ? 2 : 1)));
        }
        return Integer.MAX_VALUE;
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
