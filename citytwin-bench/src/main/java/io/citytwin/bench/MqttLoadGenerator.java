package io.citytwin.bench;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.device.sqlite.SqliteDeviceRegistry;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The MQTT load generator: provisions N devices straight into the registry of a fresh data directory, starts a node
 * as a child process with the embedded broker, connects N simulated devices over real MQTT 5 connections (HiveMQ
 * client, async API, one shared Netty event loop) and publishes QoS 1 telemetry. A PUBACK is sent by the node only
 * once the reading is decoded, applied to the twin and durable, so publish-to-PUBACK is publish-to-twin latency.
 *
 * <p>Scenarios: {@code max} (every device keeps {@code --window} publishes in flight: the end-to-end ceiling), {@code
 * rate} (paced at {@code --rate} points/s: latency percentiles), {@code idle} (connect and hold: server memory per
 * connection from the RSS difference). Prints one markdown row per scenario, with the server's CPU time per 1,000
 * points/s.
 *
 * <p>Bench shortcut: device tokens are hashed with 1,000 PBKDF2 iterations instead of 600,000, so that connecting
 * 10,000 devices measures the broker, not the password hash (a real fleet connects over hours, and the credential
 * cache makes reconnects cheap).
 */
public final class MqttLoadGenerator {
    private static final String HELP =
            """
            Usage: java -cp citytwin-bench.jar io.citytwin.bench.MqttLoadGenerator [options]
              --jar PATH            app jar to run as a child process (default citytwin-app/target/citytwin.jar)
              --devices N           simulated devices, one MQTT connection each (default 10000)
              --readings R          readings per message (a JSON array; default 1)
              --fields F            numeric fields per reading, each one data point (default 1: {"v": n})
              --window W            publishes in flight per device in the max scenario (default 4)
              --rate P              points/s of the rate scenario (default 50000)
              --duration S          measured seconds per scenario (default 20)
              --warmup S            warm-up seconds (default 5)
              --scenarios LIST      comma list of max,rate,idle (default max,rate)
              --server-jvm-args S   JVM options of the child node (default "-Xmx4g")
              --server-args S       extra options of `citytwin serve` (e.g. "--no-history")
              --server-config FILE  YAML appended to the node's configuration (any section but mqtt, which the
                                    generator sets), e.g. "history: {commitDelay: PT0S}"
              --timeline            print per-second latency (by send time) after each scenario: where the tail is
              --threads             print the node's CPU by thread (pools summed) over each measured window
              --help                this text
            """;

    private MqttLoadGenerator() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("--jar", "citytwin-app/target/citytwin.jar");
        o.put("--devices", "10000");
        o.put("--readings", "1");
        o.put("--fields", "1");
        o.put("--window", "4");
        o.put("--rate", "50000");
        o.put("--duration", "20");
        o.put("--warmup", "5");
        o.put("--scenarios", "max,rate");
        o.put("--server-jvm-args", "-Xmx4g");
        o.put("--server-args", "");
        o.put("--server-config", "");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.print(HELP);
                return;
            }
            if (args[i].equals("--timeline")) {
                timeline = true;
                continue;
            }
            if (args[i].equals("--threads")) {
                threads = true;
                continue;
            }
            if (!o.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("unknown or incomplete option: " + args[i]);
                System.err.print(HELP);
                System.exit(2);
            }
            o.put(args[i], args[++i]);
        }
        int devices = Integer.parseInt(o.get("--devices"));
        int readings = Integer.parseInt(o.get("--readings"));
        fields = Integer.parseInt(o.get("--fields"));
        int window = Integer.parseInt(o.get("--window"));
        double rate = Double.parseDouble(o.get("--rate"));
        int duration = Integer.parseInt(o.get("--duration"));
        int warmup = Integer.parseInt(o.get("--warmup"));
        List<String> scenarios = List.of(o.get("--scenarios").split(","));

        Path data = Files.createTempDirectory("citytwin-mqtt-bench");
        provision(data, devices);
        Path config = data.resolve("bench.yaml");
        String extraConfig =
                o.get("--server-config").isBlank() ? "" : "\n" + Files.readString(Path.of(o.get("--server-config")));
        Files.writeString(config, "mqtt:\n  messagesPerSecond: 1000000\n  burst: 1000000\n" + extraConfig);
        int httpPort = freePort();
        int mqttPort = freePort();
        List<String> serverArgs =
                new ArrayList<>(List.of("--mqtt-port", Integer.toString(mqttPort), "--config", config.toString()));
        if (!o.get("--server-args").isBlank()) {
            serverArgs.addAll(List.of(o.get("--server-args").trim().split("\\s+")));
        }
        System.out.printf(
                Locale.ROOT,
                "MQTT load: %d devices, %d reading(s)/message of %d field(s) (data points), QoS 1, %s, %d cores%n",
                devices,
                readings,
                fields,
                Instant.now(),
                Runtime.getRuntime().availableProcessors());
        try (ServerProcess server = ServerProcess.start(
                Path.of(o.get("--jar")),
                List.of(o.get("--server-jvm-args").trim().split("\\s+")),
                serverArgs,
                httpPort,
                data.resolve("node"))) {
            long rssBefore = rssKiB(server);
            long t0 = System.nanoTime();
            List<Mqtt5AsyncClient> clients = connect(mqttPort, devices);
            double connectS = (System.nanoTime() - t0) / 1e9;
            long rssAfter = rssKiB(server);
            System.out.println();
            System.out.println(
                    "| scenario | devices | msgs/s | points/s | p50 ms | p99 ms | server CPU s per 1,000 points/s |"
                            + " errors |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            if (scenarios.contains("idle")) {
                System.out.printf(
                        Locale.ROOT,
                        "| idle connect | %d | connected in %.1f s | | | | server RSS +%.1f MiB = %.1f KiB per connection"
                                + " | |%n",
                        clients.size(),
                        connectS,
                        (rssAfter - rssBefore) / 1024.0,
                        (rssAfter - rssBefore) / (double) Math.max(1, clients.size()));
            }
            if (scenarios.contains("max")) {
                run(server, clients, readings * fields, window, 0, warmup, duration, "max");
            }
            if (scenarios.contains("rate")) {
                run(server, clients, readings * fields, window, rate, warmup, duration, "rate " + (long) rate + "/s");
            }
            for (Mqtt5AsyncClient c : clients) {
                c.disconnect();
            }
        } finally {
            deleteTree(data); // hundreds of megabytes per run (history, journal) that no one reads again
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    /** Registers {@code devices} token devices (bench-0..) in the registry of the node's data directory. */
    static void provision(Path data, int devices) {
        Path node = data.resolve("node");
        try {
            Files.createDirectories(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Instant now = Instant.now();
        PasswordHash hash = PasswordHash.create("bench-token".toCharArray(), 1_000);
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(node)) {
            for (int i = 0; i < devices; i++) {
                registry.create(new Device(
                        new DeviceId("bench-" + i),
                        TenantId.DEFAULT,
                        EntityId.of("urn:ngsi-ld:Sensor:bench-" + i),
                        "https://uri.etsi.org/ngsi-ld/default-context/Sensor",
                        new Credentials.Token(hash),
                        PayloadFormat.JSON,
                        List.of(),
                        null,
                        now,
                        now));
            }
        }
    }

    static List<Mqtt5AsyncClient> connect(int port, int devices) throws Exception {
        MqttClientExecutorConfig executors =
                MqttClientExecutorConfig.builder().nettyThreads(2).build();
        List<Mqtt5AsyncClient> clients = new ArrayList<>(devices);
        Semaphore connecting = new Semaphore(256);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            Mqtt5AsyncClient c = Mqtt5Client.builder()
                    .identifier("bench-" + i)
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .executorConfig(executors)
                    .buildAsync();
            connecting.acquire();
            pending.add(c.connectWith()
                    .keepAlive(600)
                    .simpleAuth()
                    .username("default/bench-" + i)
                    .password("bench-token".getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth()
                    .send()
                    .whenComplete((ack, err) -> connecting.release()));
            clients.add(c);
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(600, TimeUnit.SECONDS);
        return clients;
    }

    /*
     * max: each device keeps `window` publishes in flight (a closed loop: the next publish of a device leaves when one
     * of its PUBACKs arrives). rate: one scheduler paces publishes round-robin over the devices at the target rate
     * (an open loop, so latency includes any queueing at the node); a publish that would exceed `window` in flight
     * for its device is counted as not sent.
     */
    private static void run(
            ServerProcess server,
            List<Mqtt5AsyncClient> clients,
            int pointsPerMessage,
            int window,
            double pointsPerSecond,
            int warmup,
            int duration,
            String name)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        LongAdder acked = new LongAdder();
        LongAdder errors = new LongAdder();
        long[] latencies = new long[8_000_000];
        int[] sentSecond = new int[latencies.length]; // second of the measurement a sample's publish left in
        long[] measureStart = {0};
        AtomicLong samples = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        Semaphore[] inflight = new Semaphore[clients.size()];
        for (int i = 0; i < inflight.length; i++) {
            inflight[i] = new Semaphore(window);
        }
        Runnable[] publishOne = new Runnable[clients.size()];
        for (int i = 0; i < clients.size(); i++) {
            int d = i;
            Mqtt5AsyncClient c = clients.get(i);
            String topic = "citytwin/default/devices/bench-" + d + "/telemetry";
            publishOne[d] = () -> {
                long n = seq.incrementAndGet();
                long start = System.nanoTime();
                c.publishWith()
                        .topic(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(payload(n, pointsPerMessage / fields))
                        .send()
                        .whenComplete((r, e) -> {
                            inflight[d].release();
                            if (e != null || failed(r)) {
                                errors.increment();
                            } else if (measuring.get()) {
                                acked.increment();
                                long k = samples.getAndIncrement();
                                if (k < latencies.length) {
                                    latencies[(int) k] = System.nanoTime() - start;
                                    sentSecond[(int) k] = (int) Math.max(0, (start - measureStart[0]) / 1_000_000_000L);
                                }
                            }
                            if (pointsPerSecond == 0 && !stop.get() && inflight[d].tryAcquire()) {
                                publishOne[d].run();
                            }
                        });
            };
        }
        ScheduledExecutorService pacer = null;
        if (pointsPerSecond == 0) {
            for (int d = 0; d < clients.size(); d++) {
                for (int w = 0; w < window; w++) {
                    if (inflight[d].tryAcquire()) {
                        publishOne[d].run();
                    }
                }
            }
        } else {
            pacer = Executors.newSingleThreadScheduledExecutor();
            double messagesPerTick = pointsPerSecond / pointsPerMessage / 1000.0; // 1 ms ticks
            double[] credit = {0};
            int[] next = {0};
            pacer.scheduleAtFixedRate(
                    () -> {
                        credit[0] += messagesPerTick;
                        while (credit[0] >= 1 && !stop.get()) {
                            credit[0] -= 1;
                            int d = next[0];
                            next[0] = (d + 1) % clients.size();
                            if (inflight[d].tryAcquire()) {
                                publishOne[d].run();
                            } else {
                                errors.increment();
                            }
                        }
                    },
                    1,
                    1,
                    TimeUnit.MILLISECONDS);
        }
        Thread.sleep(warmup * 1000L);
        double cpu0 = server.cpuSeconds();
        Map<String, Double> byThread0 = threads ? server.cpuSecondsByThread() : Map.of();
        long t0 = System.nanoTime();
        measureStart[0] = t0;
        Instant measuredFrom = Instant.now();
        measuring.set(true);
        Thread.sleep(duration * 1000L);
        measuring.set(false);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = server.cpuSeconds() - cpu0;
        Map<String, Double> byThread1 = threads ? server.cpuSecondsByThread() : Map.of();
        stop.set(true);
        if (pacer != null) {
            pacer.shutdownNow();
        }
        Thread.sleep(2000); // let the in-flight publishes drain before the next scenario
        long n = Math.min(samples.get(), latencies.length);
        if (timeline) {
            System.err.println("  timeline of '" + name + "', t=0 at " + measuredFrom);
            printTimeline(latencies, sentSecond, (int) n, duration);
        }
        if (threads) {
            printThreads(name, byThread0, byThread1, seconds);
        }
        long[] sorted = Arrays.copyOf(latencies, (int) n);
        Arrays.sort(sorted);
        double msgs = acked.sum() / seconds;
        double points = msgs * pointsPerMessage;
        System.out.printf(
                Locale.ROOT,
                "| %s | %d | %.0f | %.0f | %.1f | %.1f | %.3f | %d |%n",
                name,
                clients.size(),
                msgs,
                points,
                percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6,
                points == 0 ? Double.NaN : (cpu / seconds) / (points / 1000.0),
                errors.sum());
    }

    /** Per second of send time: acknowledged publishes, p50, p99 and max latency (ms), to stderr. */
    private static void printTimeline(long[] latencies, int[] second, int n, int duration) {
        List<List<Long>> by = new ArrayList<>();
        for (int s = 0; s <= duration; s++) {
            by.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            by.get(Math.min(duration, second[i])).add(latencies[i]);
        }
        for (int s = 0; s <= duration; s++) {
            long[] l = by.get(s).stream().mapToLong(Long::longValue).sorted().toArray();
            if (l.length > 0) {
                System.err.printf(
                        Locale.ROOT,
                        "  t=%2ds acked %6d  p50 %8.1f  p99 %8.1f  max %8.1f ms%n",
                        s,
                        l.length,
                        percentile(l, 0.50) / 1e6,
                        percentile(l, 0.99) / 1e6,
                        l[l.length - 1] / 1e6);
            }
        }
    }

    private static boolean failed(Mqtt5PublishResult r) {
        return r.getError().isPresent();
    }

    /** Whether to print the per-second latency after each scenario (--timeline). */
    private static boolean timeline;

    /** Whether to print the node's CPU by thread after each scenario (--threads). */
    private static boolean threads;

    /** The node's CPU by thread over a measured window, as % of one core, largest first, to stderr. */
    private static void printThreads(String name, Map<String, Double> from, Map<String, Double> to, double seconds) {
        System.err.println("  node CPU by thread in '" + name + "' (% of one core; threads that ended are missing):");
        to.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - from.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.01 * seconds)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e ->
                        System.err.printf(Locale.ROOT, "    %6.1f %%  %s%n", 100 * e.getValue() / seconds, e.getKey()));
    }

    /** Numeric fields per reading (--fields); set once in main before any client runs. */
    private static int fields = 1;

    private static byte[] payload(long n, int readings) {
        if (readings == 1) {
            return reading(new StringBuilder(), n, -1).toString().getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < readings; i++) {
            if (i > 0) {
                b.append(',');
            }
            reading(b, n, i);
        }
        return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One reading: {"v": n} or fields f0..fN-1, plus its index i in an array (then i is a field too). */
    private static StringBuilder reading(StringBuilder b, long n, int i) {
        b.append('{');
        if (fields == 1) {
            b.append("\"v\":").append(n);
        } else {
            for (int f = 0; f < fields; f++) {
                b.append(f == 0 ? "" : ",")
                        .append("\"f")
                        .append(f)
                        .append("\":")
                        .append(n + f);
            }
        }
        if (i >= 0) {
            b.append(",\"i\":").append(i);
        }
        return b.append('}');
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static long rssKiB(ServerProcess server) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
