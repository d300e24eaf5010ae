package io.citytwin.store.sqlite;

import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.TenantId;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The child process of {@link SqliteCrashIT}: writes entities from many threads until it is killed, and prints the
 * id of each entity on its own line only after the write's future completed (the change is acknowledged).
 *
 * <p>Arguments: the data directory.
 */
public final class CrashWriterMain {
    private CrashWriterMain() {}

    public static void main(String[] args) {
        SqliteTwinRepository repo = SqliteTwinRepository.open(Path.of(args[0]), SqliteOptions.defaults());
        PrintStream out = System.out;
        for (int t = 0; t < 16; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                for (long i = 0; ; i++) {
                    String id = "urn:ngsi-ld:Device:" + thread + "-" + i;
                    repo.write(List.of(new Mutation.Put(TenantId.DEFAULT, Fixtures.small(id, i))))
                            .join();
                    synchronized (out) {
                        out.println(id);
                        out.flush();
                    }
                }
            });
        }
    }
}
