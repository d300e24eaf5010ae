package io.citytwin.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request metrics cost of the HTTP layer, reproduced outside the product: {@code ApiServer} looks up a
 * Micrometer {@link Timer} by a concatenated "method route status" key and records into it with client-side
 * percentiles (0.5, 0.95, 0.99) on every request. Compared with a Timer without published percentiles. Two threads,
 * as on this machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(2)
public class MetricsTimerBench {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private Timer plain;
    /** The route of the lookup key. */
    public String route = "/ngsi-ld/v1/entities/{id}/attrs";

    /** Registers the plain timer. */
    @Setup
    public void setUp() {
        plain = Timer.builder("bench.plain").register(registry);
    }

    /** As ApiServer does per request: key concatenation, map lookup, record with percentiles. */
    @Benchmark
    public Timer recordLikeApiServer() {
        Timer t = timers.computeIfAbsent("PATCH " + route + " " + 204, k -> Timer.builder("bench.requests")
                .tag("method", "PATCH")
                .tag("route", route)
                .tag("status", "204")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry));
        t.record(1234, TimeUnit.NANOSECONDS);
        return t;
    }

    /** A timer without client-side percentiles, looked up once. */
    @Benchmark
    public Timer recordPlain() {
        plain.record(1234, TimeUnit.NANOSECONDS);
        return plain;
    }
}
