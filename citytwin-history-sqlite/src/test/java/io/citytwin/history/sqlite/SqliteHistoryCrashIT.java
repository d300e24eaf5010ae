package io.citytwin.history.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.history.store.AttributeRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability against a crash: a child JVM appends with 16 threads (with packing after every commit, so the kill
 * may hit a packing round too) and prints each record after its append was acknowledged; after about 3,000
 * acknowledgements it is killed with SIGKILL, mid-flight, and every acknowledged record must be read back from the
 * reopened store.
 */
class SqliteHistoryCrashIT {
    private static final int KILL_AFTER = 3_000;

    @TempDir
    Path dir;

    @Test
    void kill9_duringAppends_losesNoAcknowledgedRecord() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        HistoryCrashWriterMain.class.getName(),
                        dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                acknowledged.add(line);
                if (acknowledged.size() == KILL_AFTER) {
                    // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the pipe
                    child.toHandle().destroyForcibly();
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(KILL_AFTER);
        assertThat(child.exitValue()).as("killed, not exited").isNotZero();

        Set<String> stored = new HashSet<>();
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir)) {
            for (int t = 0; t < HistoryCrashWriterMain.THREADS; t++) {
                for (AttributeRecord rec : store.read(
                        HistoryCrashWriterMain.key(t), Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z"), 0)) {
                    stored.add(t + ":" + rec.instance().value());
                }
            }
        }
        List<String> lost = new ArrayList<>();
        for (String id : acknowledged) {
            if (!stored.contains(id)) {
                lost.add(id);
            }
        }
        System.out.printf(
                "history crash test: %d acknowledged, %d stored, %d lost%n",
                acknowledged.size(), stored.size(), lost.size());
        assertThat(lost).as("acknowledged but lost").isEmpty();
    }
}
