package io.citytwin.history.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.testkit.Fixtures;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunk layout of the SQLite history store: what is packed when, and late data rewriting a chunk. */
class SqliteHistoryStoreTest {
    private static final SeriesKey KEY =
            SeriesKey.of(TenantId.DEFAULT, EntityId.of("urn:ngsi-ld:Sensor:1"), Fixtures.term("temperature"));
    private static final String TYPE = Fixtures.term("Sensor");
    private static final Instant DAY0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void close_packsClosedDaysIntoDailyChunks_andKeepsTheOpenDayRecent() throws Exception {
        List<AttributeRecord> all = new ArrayList<>();
        for (int m = 0; m < 3 * 1440; m += 10) {
            all.add(reading(DAY0.plus(Duration.ofMinutes(m)), m));
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir)) {
            store.append(all).join();
        }
        assertThat(Files.exists(dir.resolve("history.db"))).isTrue();
        assertThat(query("SELECT count(*) FROM chunks")).isEqualTo(2);
        assertThat(query("SELECT sum(count) FROM chunks")).isEqualTo(288);
        assertThat(query("SELECT count(*) FROM recent")).isEqualTo(144);
        assertThat(query("SELECT min(start) FROM chunks")).isEqualTo(DAY0.toEpochMilli());
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir)) {
            assertThat(store.read(KEY, Instant.EPOCH, DAY0.plus(Duration.ofDays(9)), 0))
                    .containsExactlyElementsOf(all);
        }
    }

    @Test
    void lateData_intoAPackedDay_rewritesThatChunk() throws Exception {
        List<AttributeRecord> all = new ArrayList<>();
        for (int m = 0; m < 2 * 1440; m += 60) {
            all.add(reading(DAY0.plus(Duration.ofMinutes(m)), m));
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir)) {
            store.append(all).join();
        }
        assertThat(query("SELECT count FROM chunks")).isEqualTo(24);
        AttributeRecord late = reading(DAY0.plus(Duration.ofMinutes(90)), -1);
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir)) {
            store.append(List.of(late)).join();
        }
        assertThat(query("SELECT count(*) FROM chunks")).isEqualTo(1);
        assertThat(query("SELECT count FROM chunks")).isEqualTo(25);
        assertThat(query("SELECT count(*) FROM recent")).isEqualTo(24);
        all.add(2, late);
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir)) {
            assertThat(store.read(KEY, Instant.EPOCH, DAY0.plus(Duration.ofDays(9)), 0))
                    .containsExactlyElementsOf(all);
        }
    }

    @Test
    void packing_afterEveryCommit_movesClosedDaysWhileOpen() throws Exception {
        SqliteHistoryOptions options = SqliteHistoryOptions.defaults().withCompactThreshold(0);
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir, options)) {
            store.append(List.of(reading(DAY0, 0))).join();
            store.append(List.of(reading(DAY0.plus(Duration.ofDays(1)), 1))).join();
            // packing runs after the commit; the next append's future completes only after it
            store.append(List.of(reading(DAY0.plus(Duration.ofDays(1)).plusSeconds(1), 2)))
                    .join();
            assertThat(store.read(KEY, Instant.EPOCH, DAY0.plus(Duration.ofDays(9)), 2))
                    .extracting(r -> r.instance().value())
                    .containsExactly(1L, 2L);
        }
    }

    @Test
    void commitDelay_gathersAppendsIntoOneCommit_butTasksAndCloseDoNotWaitForIt() throws Exception {
        SqliteHistoryOptions options = SqliteHistoryOptions.defaults().withCommitDelay(Duration.ofSeconds(30));
        SqliteHistoryStore store = SqliteHistoryStore.open(dir, options);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(store.append(List.of(reading(DAY0.plusSeconds(i), i))));
            Thread.sleep(5);
        }
        Thread.sleep(200);
        assertThat(futures).noneMatch(CompletableFuture::isDone); // still gathering
        long t0 = System.nanoTime();
        store.close(); // commits what it gathered at once
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(store.commits()).isEqualTo(1);
        assertThat(store.recordsWritten()).isEqualTo(20);

        try (SqliteHistoryStore again = SqliteHistoryStore.open(dir, options)) {
            again.append(List.of(reading(DAY0.plusSeconds(100), 100)));
            t0 = System.nanoTime();
            // a task (an instance operation) commits the gathered appends first, then runs
            assertThat(again.deleteSeries(KEY)).isEqualTo(21);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            assertThat(again.commits()).isEqualTo(1);
        }
    }

    @Test
    void moves_renumberRowsInIndexOrder_contiguously_andKeepTheAppendOrderOfOneTime() throws Exception {
        SeriesKey other = SeriesKey.of(TenantId.DEFAULT, EntityId.of("urn:ngsi-ld:Sensor:0"), Fixtures.term("t"));
        List<AttributeRecord> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // two series, interleaved, every time twice
            Instant t = DAY0.plusSeconds(100 - i / 4);
            SeriesKey key = i % 2 == 0 ? KEY : other;
            Attribute a = new Attribute(AttributeKind.PROPERTY, (long) i, null, t, null, Map.of(), null, null);
            batch.add(AttributeRecord.of(key, TYPE, t, a));
        }
        SqliteHistoryOptions options = SqliteHistoryOptions.defaults()
                .withFreshRows(3)
                .withWarmRows(7)
                .withCompactThreshold(Integer.MAX_VALUE);
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir, options)) {
            store.append(batch).join();
            store.append(List.of(reading(DAY0.plusSeconds(200), 99))).join(); // settles the first append
            assertThat(query("SELECT count(*) FROM recent")).isEqualTo(12);
            assertThat(query("SELECT max(seq) - min(seq) + 1 FROM recent")).isEqualTo(12);
            assertThat(strings("SELECT series || '/' || t FROM recent ORDER BY seq"))
                    .containsExactlyElementsOf(
                            strings("SELECT series || '/' || t FROM recent ORDER BY series, t, seq"));
            assertThat(store.read(KEY, Instant.EPOCH, DAY0.plusSeconds(150), 0))
                    .extracting(r -> r.instance().value())
                    .containsExactly(8L, 10L, 4L, 6L, 0L, 2L); // by time, each pair of one time in append order
        }
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void noCommitDelay_commitsEachAppendOnItsOwn() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.open(dir)) {
            for (int i = 0; i < 5; i++) {
                store.append(List.of(reading(DAY0.plusSeconds(i), i))).join();
            }
            assertThat(store.commits()).isEqualTo(5);
        }
    }

    private long query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static AttributeRecord reading(Instant t, long value) {
        Attribute a = new Attribute(AttributeKind.PROPERTY, value, null, t, "CEL", Map.of(), null, null);
        return AttributeRecord.of(KEY, TYPE, t.plusMillis(250), a);
    }
}
