package io.citytwin.history.sqlite;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The child process of {@link SqliteHistoryCrashIT}: appends one-minute readings (an hour apart per record, so days
 * close and get packed) from {@link #THREADS} threads until it is killed, and prints {@code thread:value} only
 * after the append's future completed.
 *
 * <p>Arguments: the data directory.
 */
public final class HistoryCrashWriterMain {
    static final int THREADS = 16;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private HistoryCrashWriterMain() {}

    static SeriesKey key(int thread) {
        return SeriesKey.of(
                TenantId.DEFAULT, EntityId.of("urn:ngsi-ld:Sensor:" + thread), Fixtures.term("temperature"));
    }

    public static void main(String[] args) {
        SqliteHistoryStore store = SqliteHistoryStore.open(
                Path.of(args[0]), SqliteHistoryOptions.defaults().withCompactThreshold(0));
        PrintStream out = System.out;
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                SeriesKey key = key(thread);
                for (long i = 0; ; i++) {
                    Instant at = T0.plusSeconds(3_600 * i);
                    Attribute a = new Attribute(AttributeKind.PROPERTY, i, null, at, null, Map.of(), null, null);
                    store.append(List.of(AttributeRecord.of(key, "Sensor", at, a)))
                            .join();
                    synchronized (out) {
                        out.println(thread + ":" + i);
                        out.flush();
                    }
                }
            });
        }
    }
}
