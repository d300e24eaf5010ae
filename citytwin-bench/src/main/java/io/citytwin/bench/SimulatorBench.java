package io.citytwin.bench;

import io.citytwin.sim.Behaviour;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.FaultPlan;
import io.citytwin.sim.Simulation;
import io.citytwin.sim.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulator alone (issue 5: at least 500,000 data points/s, so it is never the bottleneck of an ingest
 * benchmark): {@link Simulation#due} over one simulated minute of a whole city with the default faults, with and
 * without encoding each message's JSON payload (what a sink sends). The {@code points} counter is data points
 * (readings) per second; {@code messages} messages per second.
 *
 * <pre>
 * java -jar citytwin-bench/target/citytwin-bench.jar SimulatorBench -p size=LARGE
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class SimulatorBench {
    @Param({"MEDIUM"})
    public CitySize size;

    private Simulation simulation;
    private Instant t;

    /** Data points and messages produced, reported per second by JMH. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long points;
        public long messages;

        @Setup(Level.Iteration)
        public void reset() {
            points = 0;
            messages = 0;
        }
    }

    /** Generates the city and a week of faults. */
    @Setup
    public void setUp() {
        City city = CityGenerator.generate(CitySpec.of(size, 1));
        Instant start = Instant.parse("2026-11-16T00:00:00Z");
        FaultPlan faults =
                FaultPlan.generate(city, start, start.plus(Duration.ofDays(7)), FaultPlan.Rates.defaults(), 1);
        simulation = new Simulation(new Behaviour(city, ZoneId.of("Europe/Berlin"), faults));
        t = start.plus(Duration.ofHours(17)); // evening rush hour, lamps on
    }

    private Instant next() {
        Instant from = t;
        t = t.plus(Duration.ofMinutes(1));
        if (t.isAfter(Instant.parse("2026-11-22T00:00:00Z"))) {
            t = Instant.parse("2026-11-16T17:00:00Z");
        }
        return from;
    }

    /** One simulated minute of the whole city: the messages with their readings. */
    @Benchmark
    public List<Telemetry> generate(Counters c) {
        Instant from = next();
        List<Telemetry> due = simulation.due(from, from.plus(Duration.ofMinutes(1)));
        count(due, c);
        return due;
    }

    /** The same, each message encoded to its JSON payload. */
    @Benchmark
    public long generateAndEncode(Counters c) {
        Instant from = next();
        List<Telemetry> due = simulation.due(from, from.plus(Duration.ofMinutes(1)));
        long bytes = 0;
        for (Telemetry m : due) {
            bytes += m.payload().length;
        }
        count(due, c);
        return bytes;
    }

    private static void count(List<Telemetry> due, Counters c) {
        for (Telemetry m : due) {
            c.points += m.dataPoints();
        }
        c.messages += due.size();
    }
}
