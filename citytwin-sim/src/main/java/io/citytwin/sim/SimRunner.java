package io.citytwin.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link Simulation} against a {@link CitySink}: provisions the city's entities and devices, then advances
 * simulated time and sends what the devices say.
 *
 * <p>Time: with {@code speed > 0}, simulated time runs {@code speed} times as fast as the real clock from {@code
 * start} (1 = real time, 60 = an hour per minute) in real-time ticks; with {@code speed == 0}, as fast as the node
 * takes it, in steps of {@code step} simulated time, from {@code start} to {@code end} (backfilling history). The
 * real clock and the sleeping are injected, so tests drive it without waiting.
 */
public final class SimRunner {
    private final Simulation simulation;
    private final CitySink sink;
    private final InstantSource realClock;
    private final Sleeper sleeper;

    /** Waits for a real-time duration (the injected sleep). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * @param start simulated time at which the run begins
     * @param end simulated time at which it stops; null runs until interrupted (real-time and accelerated only)
     * @param speed simulated seconds per real second; 0 = as fast as possible
     * @param step the simulated span per step when running as fast as possible; the real tick otherwise
     */
    public record Options(Instant start, @Nullable Instant end, double speed, Duration step) {
        public Options {
            Objects.requireNonNull(start);
            if (speed < 0 || Double.isNaN(speed)) {
                throw new IllegalArgumentException("--speed must be 0 (as fast as possible) or positive");
            }
            if (speed == 0 && end == null) {
                throw new IllegalArgumentException("As fast as possible needs an end (--to)");
            }
            if (end != null && !end.isAfter(start)) {
                throw new IllegalArgumentException("The end must be after the start");
            }
            if (step.isNegative() || step.isZero()) {
                throw new IllegalArgumentException("The step must be positive");
            }
        }
    }

    /** Progress after each step: simulated time reached and the sink's counters. */
    public record Progress(Instant simulatedTime, long messages, CitySink.Stats stats) {}

    public SimRunner(Simulation simulation, CitySink sink, InstantSource realClock, Sleeper sleeper) {
        this.simulation = simulation;
        this.sink = sink;
        this.realClock = realClock;
        this.sleeper = sleeper;
    }

    /** Creates or updates every entity of the city, in batches of {@code batch}; returns how many. */
    public int provisionEntities(int batch, Consumer<Integer> done) {
        List<Map<String, Object>> pending = new ArrayList<>(batch);
        int[] n = {0};
        new CityEntities(simulation.behaviour().city()).forEach(e -> {
            pending.add(e);
            if (pending.size() == batch) {
                sink.upsertEntities(List.copyOf(pending));
                n[0] += pending.size();
                pending.clear();
                done.accept(n[0]);
            }
        });
        if (!pending.isEmpty()) {
            sink.upsertEntities(List.copyOf(pending));
            n[0] += pending.size();
            done.accept(n[0]);
        }
        return n[0];
    }

    /** Registers every device, in chunks of {@code chunk}; returns how many. */
    public int provisionDevices(int chunk, Consumer<Integer> done) {
        List<SimDevice> all = simulation.devices();
        for (int i = 0; i < all.size(); i += chunk) {
            sink.provision(all.subList(i, Math.min(all.size(), i + chunk)));
            done.accept(Math.min(all.size(), i + chunk));
        }
        return all.size();
    }

    /**
     * Runs the devices from {@code options.start()} until its end (or until the thread is interrupted), reporting
     * after every step.
     *
     * @return the number of messages sent
     */
    public long run(Options options, Consumer<Progress> progress) {
        long sent = 0;
        Instant simulated = options.start();
        Instant realStart = realClock.instant();
        while (!Thread.currentThread().isInterrupted()) {
            Instant next;
            if (options.speed() == 0) {
                next = simulated.plus(options.step());
            } else {
                try {
                    sleeper.sleep(options.step());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                Duration real = Duration.between(realStart, realClock.instant());
                next = options.start().plusNanos((long) (real.toNanos() * options.speed()));
            }
            if (options.end() != null && next.isAfter(options.end())) {
                next = options.end();
            }
            if (next.isAfter(simulated)) {
                for (Telemetry t : simulation.due(simulated, next)) {
                    sink.send(t);
                    sent++;
                }
                simulated = next;
            }
            if (options.speed() == 0) {
                sink.flush(); // keep the node's queues short and the progress honest
            }
            progress.accept(new Progress(simulated, sent, sink.stats()));
            if (options.end() != null && !simulated.isBefore(options.end())) {
                break;
            }
        }
        sink.flush();
        return sent;
    }
}
