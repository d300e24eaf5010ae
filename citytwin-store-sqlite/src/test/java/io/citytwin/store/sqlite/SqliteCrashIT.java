package io.citytwin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability against a crash: a child JVM writes with 16 threads and prints each id after its write was
 * acknowledged; after about 1,500 acknowledgements it is killed with SIGKILL ({@code destroyForcibly}), mid-flight,
 * and every acknowledged entity must be found when the store is reopened.
 */
class SqliteCrashIT {
    private static final int KILL_AFTER = 1_500;

    @TempDir
    Path dir;

    @Test
    void kill9_duringWrites_losesNoAcknowledgedWrite() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashWriterMain.class.getName(),
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
        // lines that reached the pipe before the kill were acknowledged too: check them all
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(KILL_AFTER);
        assertThat(child.exitValue()).as("killed, not exited").isNotZero();

        Set<String> stored = new HashSet<>();
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            repo.load((tenant, entity) -> {
                assertThat(tenant).isEqualTo(TenantId.DEFAULT);
                stored.add(entity.id().value());
            });
        }
        List<String> lost = new ArrayList<>();
        for (String id : acknowledged) {
            if (!stored.contains(EntityId.of(id).value())) {
                lost.add(id);
            }
        }
        System.out.printf(
                "crash test: %d acknowledged, %d stored, %d lost%n", acknowledged.size(), stored.size(), lost.size());
        assertThat(lost).as("acknowledged but lost").isEmpty();
    }
}
