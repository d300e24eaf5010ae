package io.citytwin.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A CityTwin node run as a child process from the app jar ({@code java [jvmArgs] -jar citytwin.jar serve --port P
 * --host 127.0.0.1 --data-dir DIR [serverArgs]}), so that server and load generator are separate processes. Times the start: from
 * just before the process is spawned to the {@code NGSI-LD API} line and to the first {@code GET /health} 200.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final long readyNanos;
    private final long healthNanos;

    private ServerProcess(Process process, int port, long readyNanos, long healthNanos) {
        this.process = process;
        this.port = port;
        this.readyNanos = readyNanos;
        this.healthNanos = healthNanos;
    }

    /**
     * Starts the node and waits until it serves (at most 300 s).
     *
     * @throws IOException when it cannot be started or does not become ready
     */
    static ServerProcess start(Path jar, List<String> jvmArgs, List<String> serverArgs, int port, Path dataDir)
            throws IOException {
        Files.createDirectories(dataDir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of(
                "-jar",
                jar.toString(),
                "serve",
                "--port",
                Integer.toString(port),
                "--host",
                "127.0.0.1",
                "--data-dir",
                dataDir.toString()));
        if (!serverArgs.contains("--mqtt-port")) {
            cmd.addAll(List.of("--mqtt-port", "0")); // no embedded broker unless the benchmark asks for one
        }
        cmd.addAll(serverArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        CountDownLatch ready = new CountDownLatch(1);
        long[] readyAt = {0};
        ArrayDeque<String> tail = new ArrayDeque<>();
        long t0 = System.nanoTime();
        Process p = pb.start();
        Thread drain = new Thread(
                () -> {
                    String copyTo = System.getenv("CITYTWIN_BENCH_NODE_LOG"); // the node's whole output, if set
                    try (BufferedReader r = new BufferedReader(
                                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter copy = copyTo == null
                                    ? null
                                    : new PrintWriter(Files.newBufferedWriter(Path.of(copyTo)), true)) {
                        String l;
                        while ((l = r.readLine()) != null) {
                            if (copy != null) {
                                copy.println(l);
                            }
                            if (l.contains("NGSI-LD API") && readyAt[0] == 0) {
                                readyAt[0] = System.nanoTime() - t0;
                                ready.countDown();
                            }
                            synchronized (tail) {
                                tail.addLast(l);
                                if (tail.size() > 40) {
                                    tail.removeFirst();
                                }
                            }
                        }
                    } catch (IOException e) {
                        // the process ended; its exit is reported by the caller
                    }
                    ready.countDown();
                },
                "server-output");
        drain.setDaemon(true);
        drain.start();
        try {
            if (!ready.await(300, TimeUnit.SECONDS) || readyAt[0] == 0) {
                p.destroyForcibly();
                synchronized (tail) {
                    throw new IOException("server did not become ready; last output:\n" + String.join("\n", tail));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while starting the server", e);
        }
        long healthAt = waitForHealth(port, t0);
        return new ServerProcess(p, port, readyAt[0], healthAt);
    }

    private static long waitForHealth(int port, long t0) throws IOException {
        byte[] req = HttpConn.request("GET", "127.0.0.1", "/health", null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (HttpConn c = new HttpConn("127.0.0.1", port)) {
                if (c.exchange(req) == 200) {
                    return System.nanoTime() - t0;
                }
            } catch (IOException e) {
                // not yet
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("/health did not answer 200 within 120 s");
    }

    /** The port it serves on. */
    int port() {
        return port;
    }

    /** The process id. */
    long pid() {
        return process.pid();
    }

    /** Seconds from spawn to the {@code NGSI-LD API} line. */
    double readySeconds() {
        return readyNanos / 1e9;
    }

    /** Seconds from spawn to the first {@code /health} 200. */
    double healthSeconds() {
        return healthNanos / 1e9;
    }

    /** The CPU time (user + system) the process used so far, in seconds, from /proc (Linux); -1 if unknown. */
    double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    /** The CPU time of process {@code pid} from /proc/pid/stat, in seconds; -1 if unavailable. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid(1) ... utime is field 14 overall -> index 11 here, stime 12
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU seconds (user + system) used so far by the node's threads, summed by thread name with digits replaced by
     * {@code N} (so that a pool's threads add up), from /proc/pid/task (Linux; empty elsewhere). Thread names are the
     * kernel's, cut to 15 characters; virtual threads count on their carriers ({@code ForkJoinPool-N-worker-N}).
     */
    Map<String, Double> cpuSecondsByThread() {
        Map<String, Double> out = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[0-9]+", "N");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /** Stops the node gracefully (SIGTERM), forcibly after 120 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
