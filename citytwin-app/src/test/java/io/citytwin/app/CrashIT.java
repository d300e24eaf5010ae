package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a node with SIGKILL while clients are writing, restarts it on the same data directory, and checks that
 * every write that was answered with a 2xx is there: creates by id, and for updates at least the last acknowledged
 * value (a later, unacknowledged one may also have landed); and that the history has every acknowledged update,
 * because the history writer resumes from the store's journal after the crash. To make sure the history is behind
 * when the node dies, the test locks the history database (as a stuck disk or a backup tool would) for the second
 * half of the stream.
 */
class CrashIT {
    private static final Pattern API_LINE = Pattern.compile("NGSI-LD API\\s+http://[^:]+:(\\d+)/");

    @TempDir
    Path dir;

    @Test
    void killDashNine_midStream_losesNoAcknowledgedWrite() throws Exception {
        Child first = Child.start(dir);
        Api api = new Api(first.port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, Integer> lastAckedCounter = new ConcurrentHashMap<>();
        Map<String, Set<Integer>> ackedValues = new ConcurrentHashMap<>();
        AtomicInteger acks = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch enough = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int writer = w;
            writers.add(Thread.ofVirtual().start(() -> {
                String counterId = "urn:ngsi-ld:Counter:w" + writer;
                try {
                    if (api.post(
                                            "/ngsi-ld/v1/entities",
                                            Map.of(
                                                    "id",
                                                    counterId,
                                                    "type",
                                                    "Counter",
                                                    "n",
                                                    Map.of("type", "Property", "value", 0)))
                                    .status()
                            != 201) {
                        return;
                    }
                    for (int i = 0; !stop.get(); i++) {
                        String id = "urn:ngsi-ld:Crash:w" + writer + "-" + i;
                        Api.Res r = api.post(
                                "/ngsi-ld/v1/entities",
                                Map.of("id", id, "type", "Crash", "i", Map.of("type", "Property", "value", i)));
                        if (r.status() == 201) {
                            acknowledged.add(id);
                        }
                        Api.Res u = api.patch(
                                "/ngsi-ld/v1/entities/" + counterId + "/attrs",
                                Map.of("n", Map.of("type", "Property", "value", i + 1)));
                        if (u.status() == 204) {
                            lastAckedCounter.put(counterId, i + 1);
                            ackedValues
                                    .computeIfAbsent(counterId, k -> ConcurrentHashMap.newKeySet())
                                    .add(i + 1);
                        }
                        int n = acks.addAndGet(2);
                        if (n >= 750) {
                            halfway.countDown();
                        }
                        if (n >= 1500) {
                            enough.countDown();
                        }
                    }
                } catch (AssertionError connectionLost) {
                    // the node was killed under us: expected
                }
            }));
        }
        assertThat(halfway.await(120, TimeUnit.SECONDS))
                .as("750 acknowledged writes")
                .isTrue();
        java.sql.Connection lock = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
        lock.setAutoCommit(false);
        try (java.sql.Statement st = lock.createStatement()) {
            st.execute("PRAGMA busy_timeout = 10000");
            st.execute("INSERT INTO series (tenant, entity, attribute, dataset, entity_type)"
                    + " VALUES ('lock', 'lock', 'lock', '', 'lock')"); // holds the write lock until rollback
        }
        assertThat(enough.await(120, TimeUnit.SECONDS))
                .as("1,500 acknowledged writes")
                .isTrue();
        first.kill();
        lock.rollback();
        lock.close();
        stop.set(true);
        for (Thread t : writers) {
            t.join(30_000);
        }

        Child second = Child.start(dir);
        try {
            Api after = new Api(second.port);
            assertThat(acknowledged).hasSizeGreaterThan(300);
            for (String id : acknowledged) {
                assertThat(after.get("/ngsi-ld/v1/entities/" + id).status())
                        .as("acknowledged %s", id)
                        .isEqualTo(200);
            }
            for (Map.Entry<String, Integer> c : lastAckedCounter.entrySet()) {
                Object n = after.get("/ngsi-ld/v1/entities/" + c.getKey() + "?options=keyValues")
                        .obj()
                        .get("n");
                assertThat(((Number) n).intValue()).as("counter %s", c.getKey()).isGreaterThanOrEqualTo(c.getValue());
            }
            for (Map.Entry<String, Set<Integer>> c : ackedValues.entrySet()) {
                List<Integer> history = awaitHistory(after, c.getKey(), c.getValue());
                assertThat(history).as("history of %s", c.getKey()).containsAll(c.getValue());
                // every update wrote a new counter value: an instance twice means a batch was replayed into the store
                assertThat(history)
                        .as("history of %s, exactly once", c.getKey())
                        .doesNotHaveDuplicates();
            }
        } finally {
            second.kill();
        }
    }

    /**
     * The values of {@code n} in the history of {@code id} (in time order, duplicates kept), polled until they
     * include {@code expected} or 60 s
     * passed (the history writer replays the journal in the background after a restart).
     */
    private static List<Integer> awaitHistory(Api api, String id, Set<Integer> expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Integer> seen = List.of();
        while (System.nanoTime() < deadline) {
            Api.Res r = api.get("/ngsi-ld/v1/temporal/entities/" + id + "?attrs=n&options=temporalValues");
            if (r.status() == 200) {
                List<Integer> values = new java.util.ArrayList<>();
                Object attr = r.obj().get("n");
                if (attr instanceof Map<?, ?> m && m.get("values") instanceof List<?> pairs) {
                    for (Object pair : pairs) {
                        values.add(((Number) ((List<?>) pair).get(0)).intValue());
                    }
                }
                seen = values;
                if (values.containsAll(expected)) {
                    return values;
                }
            }
            Thread.sleep(200);
        }
        return seen;
    }

    /** A node in a child JVM, started with the test's classpath. */
    record Child(Process process, int port) {
        static Child start(Path dataDir) throws IOException, InterruptedException {
            return start(
                    new StringBuilder(),
                    "serve",
                    "--port",
                    "0",
                    "--mqtt-port",
                    "0",
                    "--host",
                    "127.0.0.1",
                    "--data-dir",
                    dataDir.toString());
        }

        /** Runs {@code citytwin args...} and waits for the API line; {@code seen} collects the output until then. */
        static Child start(StringBuilder seen, String... args) throws IOException, InterruptedException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // shared CI machines are slow
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = API_LINE.matcher(line);
                if (m.find()) {
                    int port = Integer.parseInt(m.group(1));
                    Thread.ofVirtual().start(() -> drain(out));
                    return new Child(p, port);
                }
            }
            p.destroyForcibly();
            throw new AssertionError("child node did not start:\n" + seen);
        }

        private static void drain(BufferedReader out) {
            try {
                while (out.readLine() != null) {
                    // keep the pipe flowing
                }
            } catch (IOException e) {
                // child gone
            }
        }

        /** SIGKILL, as {@code kill -9}: no shutdown hook runs. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
