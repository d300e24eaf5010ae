package io.citytwin.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP load generator: starts a CityTwin node as a child process (or uses {@code --target}), preloads the
 * synthetic city ({@link CityData}) with batch upserts, and runs fixed-duration scenarios over raw HTTP/1.1
 * keep-alive sockets, one platform thread per connection, with pre-built request bytes. Prints a markdown row per
 * scenario: throughput, latency percentiles (exact, from the sorted samples of the measurement window) and errors
 * (any non-2xx answer or I/O failure).
 *
 * <p>Scenarios: {@code update} (PATCH .../attrs with one Property), {@code retrieve} (GET .../entities/{id}), {@code
 * query-type-q} (type + q, limit 100; string equality and numeric comparison alternate), {@code query-near}
 * (near;maxDistance sized for ~100 results), {@code heap} (a fresh node with {@code --heap-entities}, heap used after
 * a full GC) and {@code restart} (restart of that node: time to serving).
 */
public final class LoadGenerator {
    private static final String HELP =
            """
            Usage: java -cp citytwin-bench.jar io.citytwin.bench.LoadGenerator [options]
              --jar PATH            app jar to run as a child process (default citytwin-app/target/citytwin.jar)
              --target URL          use a running node instead, e.g. http://127.0.0.1:8080 (no preload of heap/restart)
              --entities N          entities to preload (default 100000; 0 = skip preload)
              --connections C       concurrent keep-alive connections (default 64)
              --duration S          measured seconds per scenario (default 20)
              --warmup S            warm-up seconds per scenario (default 5)
              --runs R              repetitions of each HTTP scenario (default 1)
              --scenarios LIST      comma list of update,retrieve,query-type-q,query-near,heap,restart
                                    (default update,retrieve,query-type-q,query-near)
              --heap-entities N     entities for the heap and restart scenarios (default 1000000)
              --server-jvm-args S   JVM options of the child node, space separated (default "-Xmx4g")
              --server-args S       extra options of `citytwin serve`, space separated (e.g. "--no-history")
              --help                this text
            """;

    private LoadGenerator() {}

    /** Runs the load generator; see {@code --help}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("--jar", "citytwin-app/target/citytwin.jar");
        o.put("--entities", "100000");
        o.put("--connections", "64");
        o.put("--duration", "20");
        o.put("--warmup", "5");
        o.put("--runs", "1");
        o.put("--scenarios", "update,retrieve,query-type-q,query-near");
        o.put("--heap-entities", "1000000");
        o.put("--server-jvm-args", "-Xmx4g");
        o.put("--server-args", "");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.print(HELP);
                return;
            }
            if (!o.containsKey(args[i]) && !args[i].equals("--target") || i + 1 >= args.length) {
                System.err.println("unknown or incomplete option: " + args[i]);
                System.err.print(HELP);
                System.exit(2);
            }
            o.put(args[i], args[++i]);
        }
        new Run(o, String.join(" ", args)).run();
    }

    /** Outcome of one scenario run. */
    record Result(
            String scenario,
            int connections,
            double seconds,
            long ops,
            long errors,
            String errorDetail,
            double p50ms,
            double p95ms,
            double p99ms,
            double maxms,
            double serverCores,
            double clientCores,
            String load) {
        double opsPerSecond() {
            return ops / seconds;
        }

        String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d%s | %s | %.2f | %s |",
                    scenario,
                    connections,
                    opsPerSecond(),
                    p50ms,
                    p95ms,
                    p99ms,
                    maxms,
                    errors,
                    errorDetail.isEmpty() ? "" : " (" + errorDetail + ")",
                    serverCores < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", serverCores),
                    clientCores,
                    load);
        }
    }

    /** One invocation's state. */
    private static final class Run {
        private final Map<String, String> o;
        private final String commandLine;
        private final int connections;
        private final List<String> jvmArgs;
        private final List<String> serverArgs;
        private final List<Result> results = new ArrayList<>();

        Run(Map<String, String> o, String commandLine) {
            this.o = o;
            this.commandLine = commandLine;
            this.connections = Integer.parseInt(o.get("--connections"));
            String j = o.get("--server-jvm-args").trim();
            this.jvmArgs = j.isEmpty() ? List.of() : Arrays.asList(j.split("\\s+"));
            String sa = o.get("--server-args").trim();
            this.serverArgs = sa.isEmpty() ? List.of() : Arrays.asList(sa.split("\\s+"));
        }

        void run() throws Exception {
            System.out.println("# CityTwin load generator");
            System.out.println("command: java -cp citytwin-bench.jar io.citytwin.bench.LoadGenerator " + commandLine);
            System.out.println("date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
            System.out.println("jvm: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                    + " (" + System.getProperty("java.vendor") + "), server jvm args: " + jvmArgs + ", server args: "
                    + serverArgs);
            System.out.println("nproc: " + Runtime.getRuntime().availableProcessors() + ", os: "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            List<String> scenarios = Arrays.asList(o.get("--scenarios").split(","));
            int entities = Integer.parseInt(o.get("--entities"));
            List<String> http = scenarios.stream()
                    .filter(s -> !s.equals("heap") && !s.equals("restart"))
                    .toList();
            if (!http.isEmpty()) {
                ServerProcess server = null;
                String host;
                int port;
                if (o.containsKey("--target")) {
                    URI u = URI.create(o.get("--target"));
                    host = u.getHost();
                    port = u.getPort();
                } else {
                    host = "127.0.0.1";
                    port = freePort();
                    Path dir = Files.createTempDirectory("citytwin-bench-");
                    server = ServerProcess.start(Path.of(o.get("--jar")), jvmArgs, serverArgs, port, dir);
                    System.out.printf(
                            Locale.ROOT,
                            "server pid %d on port %d, data dir %s, ready in %.2f s%n",
                            server.pid(),
                            port,
                            dir,
                            server.readySeconds());
                }
                try {
                    if (entities > 0) {
                        preload(host, port, entities);
                        settle(host, port, entities);
                    }
                    int n = Math.max(entities, 1);
                    int runs = Integer.parseInt(o.get("--runs"));
                    for (String s : http) {
                        for (int r = 0; r < runs; r++) {
                            Result res = scenario(s, host, port, n, server);
                            results.add(res);
                            System.out.println("result: " + res.row());
                        }
                    }
                    if (server != null) {
                        System.out.printf(
                                Locale.ROOT,
                                "heap used after full GC with %d entities: %.1f MiB%n",
                                entities,
                                heapAfterGc(server) / 1048576.0);
                    }
                } finally {
                    if (server != null) {
                        server.close();
                    }
                }
            }
            if (scenarios.contains("heap") || scenarios.contains("restart")) {
                bigNode(scenarios.contains("heap"), scenarios.contains("restart"));
            }
            System.out.println();
            System.out.println("| scenario | conns | ops/s | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU"
                    + " cores | client CPU cores | load1 |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
            for (Result r : results) {
                System.out.println(r.row());
            }
        }

        private void bigNode(boolean heap, boolean restart) throws Exception {
            int n = Integer.parseInt(o.get("--heap-entities"));
            int port = freePort();
            Path dir = Files.createTempDirectory("citytwin-bench-big-");
            ServerProcess server = ServerProcess.start(Path.of(o.get("--jar")), jvmArgs, serverArgs, port, dir);
            try {
                System.out.printf(Locale.ROOT, "big node pid %d, data dir %s%n", server.pid(), dir);
                preload("127.0.0.1", port, n);
                if (heap) {
                    long used = heapAfterGc(server);
                    System.out.printf(
                            Locale.ROOT,
                            "result: heap used after full GC with %d entities: %.1f MiB (%.0f bytes/entity)%n",
                            n,
                            used / 1048576.0,
                            (double) used / n);
                    System.out.println(jcmd(server.pid(), "GC.heap_info"));
                }
            } finally {
                server.close();
            }
            if (restart) {
                long dirBytes;
                try (var files = Files.walk(dir)) {
                    dirBytes = files.filter(Files::isRegularFile)
                            .mapToLong(f -> f.toFile().length())
                            .sum();
                }
                ServerProcess again = ServerProcess.start(Path.of(o.get("--jar")), jvmArgs, serverArgs, port, dir);
                try {
                    String metrics = get("127.0.0.1", port, "/metrics");
                    System.out.printf(
                            Locale.ROOT,
                            "result: restart with %d entities (data dir %.0f MiB): NGSI-LD API line after %.2f s,"
                                    + " first /health 200 after %.2f s; entities gauge: %s%n",
                            n,
                            dirBytes / 1048576.0,
                            again.readySeconds(),
                            again.healthSeconds(),
                            metricLine(metrics, "citytwin_twin_entities"));
                } finally {
                    again.close();
                }
            }
        }

        private long heapAfterGc(ServerProcess server) throws IOException, InterruptedException {
            jcmd(server.pid(), "GC.run");
            Thread.sleep(500);
            String metrics = get("127.0.0.1", server.port(), "/metrics");
            long sum = 0;
            for (String l : metrics.split("\n")) {
                if (l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\"")) {
                    sum += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        /**
         * Waits (at most 3 minutes) until the node's consumers (history, rules, KPIs, ...) have caught up with the
         * preload: the journal keeps what some consumer has not processed yet. Measuring before that measured the
         * catch-up (the first update run after a preload of 100,000 entities ran at half the rate of the second).
         */
        private static void settle(String host, int port, int entities) throws Exception {
            long t0 = System.nanoTime();
            double last = Double.NaN;
            while (System.nanoTime() - t0 < 180_000_000_000L) {
                String line = metricLine(get(host, port, "/metrics"), "citytwin_store_journal_size");
                if (line.equals("absent")) {
                    return; // not a CityTwin node of this version: nothing to wait for
                }
                last = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (last <= Math.max(1_000, entities / 100)) {
                    break;
                }
                Thread.sleep(1_000);
            }
            System.out.printf(
                    Locale.ROOT,
                    "settle: consumers caught up after %.1f s (journal %.0f changes)%n",
                    (System.nanoTime() - t0) / 1e9,
                    last);
        }

        private static String metricLine(String metrics, String name) {
            for (String l : metrics.split("\n")) {
                if (l.startsWith(name)) {
                    return l;
                }
            }
            return "absent";
        }

        private static String jcmd(long pid, String command) throws IOException, InterruptedException {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.trim();
        }

        private static String get(String host, int port, String path) throws IOException {
            try (HttpConn c = new HttpConn(host, port)) {
                int[] status = new int[1];
                String body = c.exchangeForBody(HttpConn.request("GET", host, path, null), status);
                if (status[0] != 200) {
                    throw new IOException("GET " + path + " answered " + status[0] + ": " + body);
                }
                return body;
            }
        }

        /** Upserts entities 0..n-1 in batches of 1000 over 4 connections, printing progress. */
        private void preload(String host, int port, int n) throws Exception {
            int batch = 1000;
            int batches = (n + batch - 1) / batch;
            AtomicInteger next = new AtomicInteger();
            AtomicLong done = new AtomicLong();
            ConcurrentHashMap<Integer, LongAdder> bad = new ConcurrentHashMap<>();
            long t0 = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try (HttpConn c = new HttpConn(host, port)) {
                        int b;
                        while ((b = next.getAndIncrement()) < batches) {
                            StringBuilder sb = new StringBuilder(batch * 520);
                            sb.append('[');
                            for (int i = b * batch; i < Math.min(n, (b + 1) * batch); i++) {
                                if (i > b * batch) {
                                    sb.append(',');
                                }
                                sb.append(CityData.entityJson(i));
                            }
                            sb.append(']');
                            byte[] req = HttpConn.request(
                                    "POST", host, "/ngsi-ld/v1/entityOperations/upsert", sb.toString());
                            int code = c.exchange(req);
                            if (code / 100 != 2) {
                                bad.computeIfAbsent(code, k -> new LongAdder()).increment();
                            }
                            long d = done.addAndGet(Math.min(n, (b + 1) * batch) - (long) b * batch);
                            if ((b + 1) % Math.max(1, batches / 10) == 0) {
                                System.out.printf(
                                        Locale.ROOT,
                                        "preload: %d / %d entities, %.1f s%n",
                                        d,
                                        n,
                                        (System.nanoTime() - t0) / 1e9);
                            }
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException("preload failed", e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "preload: %d entities in %.1f s (%.0f entities/s); failed batches: %s%n",
                    n,
                    s,
                    n / s,
                    bad);
            if (!bad.isEmpty()) {
                throw new IllegalStateException("preload had failed batches: " + bad);
            }
        }

        /** The pre-built requests of a scenario, cycled by every connection. */
        private static List<byte[]> requests(String scenario, String host, int n) {
            List<byte[]> reqs = new ArrayList<>();
            int variants = 4096;
            switch (scenario) {
                case "update" -> {
                    for (int k = 0; k < variants; k++) {
                        int i = (int) (CityData.unit(1_000_000L + k) * n);
                        reqs.add(HttpConn.request(
                                "PATCH",
                                host,
                                "/ngsi-ld/v1/entities/" + CityData.id(i) + "/attrs",
                                CityData.updateJson(k % 100)));
                    }
                }
                case "retrieve" -> {
                    for (int k = 0; k < variants; k++) {
                        int i = (int) (CityData.unit(2_000_000L + k) * n);
                        reqs.add(HttpConn.request("GET", host, "/ngsi-ld/v1/entities/" + CityData.id(i), null));
                    }
                }
                case "query-type-q" -> {
                    // string equality (1/3 match) and numeric comparison (49 % match), 100 per page, varying pages
                    for (int k = 0; k < 64; k++) {
                        String q = k % 2 == 0 ? "status==\"ok\"" : "brightness>50";
                        int offset = (k / 2) * 100 % Math.max(1, n / 4);
                        reqs.add(HttpConn.request(
                                "GET",
                                host,
                                "/ngsi-ld/v1/entities?type=Streetlight&q=" + enc(q) + "&limit=100&offset=" + offset,
                                null));
                    }
                }
                case "query-near" -> {
                    long radius = Math.round(CityData.radiusFor(n, 100));
                    for (int k = 0; k < 256; k++) {
                        // centres kept away from the box edges so that the whole disc is inside the city
                        double lon = CityData.LON_MIN + CityData.LON_SPAN * (0.1 + 0.8 * CityData.unit(3_000_000L + k));
                        double lat = CityData.LAT_MIN + CityData.LAT_SPAN * (0.1 + 0.8 * CityData.unit(4_000_000L + k));
                        String coords = String.format(Locale.ROOT, "[%.6f,%.6f]", lon, lat);
                        reqs.add(HttpConn.request(
                                "GET",
                                host,
                                "/ngsi-ld/v1/entities?type=Streetlight&georel=" + enc("near;maxDistance==" + radius)
                                        + "&geometry=Point&coordinates=" + enc(coords) + "&limit=1000",
                                null));
                    }
                }
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
            return reqs;
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        private Result scenario(String name, String host, int port, int n, ServerProcess server) throws Exception {
            List<byte[]> reqs = requests(name, host, n);
            long warmupNs = (long) (Double.parseDouble(o.get("--warmup")) * 1e9);
            long durationNs = (long) (Double.parseDouble(o.get("--duration")) * 1e9);
            long start = System.nanoTime();
            long measureFrom = start + warmupNs;
            long measureTo = measureFrom + durationNs;
            LongAdder ops = new LongAdder();
            ConcurrentSkipListMap<String, LongAdder> errors = new ConcurrentSkipListMap<>();
            long[][] samples = new long[connections][];
            int[] counts = new int[connections];
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().name("load-" + t).start(() -> {
                    long[] lat = new long[1 << 14];
                    int cnt = 0;
                    int k = id * 7919;
                    HttpConn c = null;
                    while (true) {
                        long before = System.nanoTime();
                        if (before >= measureTo) {
                            break;
                        }
                        int code;
                        try {
                            if (c == null) {
                                c = new HttpConn(host, port);
                            }
                            code = c.exchange(reqs.get(Math.floorMod(k++, reqs.size())));
                        } catch (IOException e) {
                            code = -1;
                            errors.computeIfAbsent("io:" + e.getClass().getSimpleName(), x -> new LongAdder())
                                    .increment();
                        }
                        long after = System.nanoTime();
                        if (before >= measureFrom && after <= measureTo) {
                            if (code / 100 == 2) {
                                if (cnt == lat.length) {
                                    lat = Arrays.copyOf(lat, cnt * 2);
                                }
                                lat[cnt++] = after - before;
                                ops.increment();
                            } else if (code > 0) {
                                errors.computeIfAbsent(Integer.toString(code), x -> new LongAdder())
                                        .increment();
                            }
                        }
                    }
                    if (c != null) {
                        c.close();
                    }
                    samples[id] = lat;
                    counts[id] = cnt;
                }));
            }
            // CPU of server and client over the measurement window only
            sleepUntil(measureFrom);
            double serverCpu0 = server == null ? -1 : server.cpuSeconds();
            long clientCpu0 = processCpuNanos();
            sleepUntil(measureTo);
            double serverCpu1 = server == null ? -1 : server.cpuSeconds();
            long clientCpu1 = processCpuNanos();
            for (Thread t : threads) {
                t.join();
            }
            int total = 0;
            for (int c : counts) {
                total += c;
            }
            long[] all = new long[total];
            int p = 0;
            for (int t = 0; t < connections; t++) {
                System.arraycopy(samples[t], 0, all, p, counts[t]);
                p += counts[t];
            }
            Arrays.sort(all);
            double secs = durationNs / 1e9;
            long errCount = 0;
            StringBuilder detail = new StringBuilder();
            for (Map.Entry<String, LongAdder> e : errors.entrySet()) {
                errCount += e.getValue().sum();
                detail.append(detail.isEmpty() ? "" : ", ")
                        .append(e.getKey())
                        .append(" x")
                        .append(e.getValue().sum());
            }
            return new Result(
                    name,
                    connections,
                    secs,
                    ops.sum(),
                    errCount,
                    detail.toString(),
                    pct(all, 0.50),
                    pct(all, 0.95),
                    pct(all, 0.99),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                    server == null || serverCpu0 < 0 ? -1 : (serverCpu1 - serverCpu0) / secs,
                    (clientCpu1 - clientCpu0) / 1e9 / secs,
                    loadAverage());
        }

        /** The 1-minute load average of the machine (Linux), showing competition from other processes. */
        private static String loadAverage() {
            try {
                return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            } catch (IOException e) {
                return "n/a";
            }
        }

        private static double pct(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }

        private static long processCpuNanos() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
            return 0;
        }

        private static void sleepUntil(long nanoTime) throws InterruptedException {
            long d;
            while ((d = nanoTime - System.nanoTime()) > 0) {
                Thread.sleep(Math.max(1, d / 1_000_000), 0);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
