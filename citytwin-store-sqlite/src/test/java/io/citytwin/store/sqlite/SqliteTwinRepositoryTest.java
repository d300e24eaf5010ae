package io.citytwin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.EventLog;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.Fixtures;
import io.citytwin.testkit.TwinRepositoryContract;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.TwinRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SqliteTwinRepositoryTest extends TwinRepositoryContract {
    @Override
    protected TwinRepository open(Path dir) {
        return SqliteTwinRepository.open(dir, SqliteOptions.defaults().withClock(new FakeClock()));
    }

    @Test
    void open_newDirectory_createsDatabaseAtCurrentSchema() throws Exception {
        Path data = dir.resolve("nested/data");
        SqliteTwinRepository.open(data, SqliteOptions.defaults()).close();
        assertThat(data.resolve("twin.db")).exists();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("twin.db"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(Schema.CURRENT);
        }
        // closing checkpoints the WAL, so the database file alone holds everything
        assertThat(Files.exists(data.resolve("twin.db-wal")) ? Files.size(data.resolve("twin.db-wal")) : 0L)
                .isZero();
    }

    @Test
    void open_schemaFromNewerVersion_isRefused() throws Exception {
        SqliteTwinRepository.open(dir, SqliteOptions.defaults()).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("twin.db"));
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
        }
        assertThatThrownBy(() -> SqliteTwinRepository.open(dir, SqliteOptions.defaults()))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "store.schema-too-new");
    }

    @Test
    void write_manyConcurrentRequests_areGroupedIntoFewCommits() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            for (int i = 0; i < 5_000; i++) {
                futures.add(repo.write(
                        List.of(new Mutation.Put(TenantId.DEFAULT, Fixtures.small("urn:ngsi-ld:D:" + i, i)))));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            assertThat(repo.pendingWrites()).isZero();
            assertThat(repo.mutationsWritten()).isEqualTo(5_000);
            assertThat(repo.commits()).isLessThan(5_000);
            assertThat(repo.lastBatchSize()).isPositive();
        }
    }

    @Test
    void write_withSynchronousFull_isDurable() {
        SqliteOptions full = SqliteOptions.defaults().withSynchronous(SqliteOptions.Synchronous.FULL);
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, full)) {
            repo.write(List.of(new Mutation.Put(TenantId.DEFAULT, Fixtures.small("urn:ngsi-ld:D:1", 1))))
                    .join();
        }
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, full)) {
            assertThat(loadTenant(repo, TenantId.DEFAULT)).hasSize(1);
        }
    }

    @Test
    void changeLog_foldedPastTheThreshold_keepsLastWriteAndRemoves_liveAndAfterReopen() throws Exception {
        int n = SqliteTwinRepository.FOLD_THRESHOLD + SqliteTwinRepository.FOLD_CHUNK + 500;
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // 1,000 entities written over and over: the log folds many times and collapses repeats
                int e = i % 1_000;
                writes.add(repo.write(
                        List.of(new Mutation.Put(TenantId.DEFAULT, Fixtures.small("urn:ngsi-ld:D:" + e, i)))));
                if (i % 5_000 == 4_999) {
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                            .join();
                    writes.clear();
                }
            }
            for (int e = 0; e < 100; e++) {
                writes.add(repo.write(List.of(
                        new Mutation.Remove(TenantId.DEFAULT, io.citytwin.twin.EntityId.of("urn:ngsi-ld:D:" + e)))));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
            assertThat(repo.logBacklog()).isLessThanOrEqualTo(SqliteTwinRepository.FOLD_THRESHOLD + 5_100L);
            var loaded = loadTenant(repo, TenantId.DEFAULT);
            assertThat(loaded).hasSize(900);
            loaded.forEach((entityId, e) -> {
                int id = Integer.parseInt(entityId.value().substring("urn:ngsi-ld:D:".length()));
                int last = n - 1 - ((n - 1 - id) % 1_000);
                assertThat(e).isEqualTo(Fixtures.small("urn:ngsi-ld:D:" + id, last));
            });
            assertThat(repo.logBacklog()).isZero();
        }
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            assertThat(loadTenant(repo, TenantId.DEFAULT)).hasSize(900);
        }
    }

    @Test
    void load_corruptDocument_failsWithStoreCorruptEntity() throws Exception {
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            repo.write(List.of(new Mutation.Put(TenantId.DEFAULT, Fixtures.small("urn:ngsi-ld:D:1", 1))))
                    .join();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("twin.db"));
                Statement s = c.createStatement()) {
            s.execute("UPDATE entities SET doc = x'0102'");
        }
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            assertThatThrownBy(() -> repo.load((t, e) -> {}))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("code", "store.corrupt-entity");
        }
    }

    @Test
    void load_manyChunksOfSeveralTenants_deliversAllInTenantAndIdOrder() {
        List<Mutation> puts = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
            TenantId tenant = new TenantId("t" + (i % 3));
            puts.add(new Mutation.Put(tenant, Fixtures.small(String.format("urn:ngsi-ld:D:%05d", i), i)));
        }
        List<String> seen = new ArrayList<>();
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            repo.write(puts).join();
            repo.load((t, e) -> seen.add(t.value() + " " + e.id().value()));
        }
        assertThat(seen).hasSize(6_000).isSorted();
    }

    @Test
    void load_sinkThrows_propagatesAndStoreStaysUsable() {
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            List<Mutation> puts = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                puts.add(new Mutation.Put(TenantId.DEFAULT, Fixtures.small("urn:ngsi-ld:D:" + i, i)));
            }
            repo.write(puts).join();
            assertThatThrownBy(() -> repo.load((t, e) -> {
                        throw new IllegalStateException("sink full");
                    }))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(loadTenant(repo, TenantId.DEFAULT)).hasSize(3_000);
        }
    }

    @Test
    void load_afterClose_failsWithStoreClosed() {
        SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults());
        repo.close();
        assertThatThrownBy(() -> repo.load((t, e) -> {}))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "store.closed");
    }

    @Test
    void options_nonPositiveBatch_isRefused() {
        assertThatThrownBy(() -> SqliteOptions.defaults().withMaxBatchMutations(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void journal_keepsChangesUntilEveryConsumerCommitted_thenReleasesThem() throws Exception {
        long start;
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            start = repo.events().endOffset();
            writeDevices(repo, "k", 10);
            try (EventLog.Subscription slow = repo.events().subscribe("slow", start, (o, e) -> {});
                    EventLog.Subscription fast = repo.events().subscribe("fast", start, (o, e) -> {})) {
                slow.commit(start + 6);
                fast.commit(start + 10);
            }
        } // close folds and stores the commits
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            assertThat(repo.journalSize()).as("kept for 'slow'").isEqualTo(4);
            List<long[]> overruns = new CopyOnWriteArrayList<>();
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            try (EventLog.Subscription late = repo.events().subscribe("late", start, new EventLog.Consumer() {
                @Override
                public void accept(long firstOffset, List<ChangeEvent> events) {
                    seen.addAll(events);
                }

                @Override
                public void overrun(long fromOffset, long toOffset) {
                    overruns.add(new long[] {fromOffset, toOffset});
                }
            })) {
                awaitSize(seen, 4);
            }
            assertThat(overruns).hasSize(1);
            assertThat(overruns.get(0)).containsExactly(start, start + 6);
            assertThat(seen.get(0).entityId().value()).isEqualTo("urn:ngsi-ld:Device:k6");
        }
    }

    @Test
    void journal_beyondItsRetention_releasesForLaggingConsumers_whoAreToldTheyOverran() throws Exception {
        SqliteOptions small = SqliteOptions.defaults().withJournalRetention(3);
        long start;
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, small)) {
            start = repo.events().endOffset();
            repo.events().subscribe("stuck", start, (o, e) -> {}).commit(start);
            writeDevices(repo, "s", 10);
        }
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, small)) {
            assertThat(repo.journalSize()).isEqualTo(3);
            List<Long> overrunTo = new CopyOnWriteArrayList<>();
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            try (EventLog.Subscription s = repo.events()
                    .subscribe("stuck", repo.events().committed("stuck").orElseThrow(), new EventLog.Consumer() {
                        @Override
                        public void accept(long firstOffset, List<ChangeEvent> events) {
                            seen.addAll(events);
                        }

                        @Override
                        public void overrun(long fromOffset, long toOffset) {
                            overrunTo.add(toOffset);
                        }
                    })) {
                awaitSize(seen, 3);
            }
            assertThat(overrunTo).containsExactly(start + 7);
        }
    }

    @Test
    void journal_replayedEvents_carryASketchOfThePreviousEntity() throws Exception {
        TenantId t = TenantId.DEFAULT;
        Entity v1 = Fixtures.small("urn:ngsi-ld:Device:sk", 1);
        Entity v2 = v1.withAttribute("https://example.org/extra", List.of(Attribute.property(5L)))
                .withAttribute(v1.attributes().keySet().iterator().next(), List.of(Attribute.property(2L)));
        java.time.Instant at = java.time.Instant.parse("2026-11-21T12:00:00Z");
        long start;
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            start = repo.events().endOffset();
            repo.events().subscribe("replay", start, (o, e) -> {}).commit(start); // keeps the rows for the replay
            String n = v1.attributes().keySet().iterator().next();
            repo.write(List.of(Mutation.of(new ChangeEvent(
                            t,
                            v1.id(),
                            ChangeKind.CREATED,
                            null,
                            v1,
                            v1.attributes().keySet(),
                            at))))
                    .join();
            repo.write(List.of(Mutation.of(new ChangeEvent(
                            t, v1.id(), ChangeKind.UPDATED, v1, v2, Set.of(n, "https://example.org/extra"), at))))
                    .join();
            repo.write(List.of(Mutation.of(new ChangeEvent(t, v1.id(), ChangeKind.DELETED, v2, null, Set.of(), at))))
                    .join();
        }
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            try (EventLog.Subscription s = repo.events().subscribe("replay", start, (o, e) -> seen.addAll(e))) {
                awaitSize(seen, 3);
            }
            assertThat(seen.get(0).previous()).isNull();
            Entity before = seen.get(1).previous();
            assertThat(before).isNotNull();
            assertThat(before.attributes())
                    .containsKey(v1.attributes().keySet().iterator().next());
            assertThat(before.attributes()).doesNotContainKey("https://example.org/extra");
            assertThat(seen.get(2).kind()).isEqualTo(ChangeKind.DELETED);
            assertThat(seen.get(2).previous().types()).isEqualTo(v1.types());
        }
    }

    @Test
    void journal_aForgottenConsumer_pinsNothing_andIsGoneAfterReopen() {
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            long start = repo.events().endOffset();
            repo.events().subscribe("gone", start, (o, e) -> {}).commit(start);
            writeDevices(repo, "g", 5);
        }
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            assertThat(repo.journalSize()).isEqualTo(5);
            repo.forgetConsumer("gone");
            assertThat(repo.events().committed("gone")).isEmpty();
        }
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            assertThat(repo.events().committed("gone")).isEmpty();
            assertThat(repo.journalSize()).isZero();
        }
    }

    @Test
    void journal_offsetsAreNotReused_whenTheChangeLogWasEmptied() {
        long end;
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            writeDevices(repo, "o", 5);
            end = repo.events().endOffset();
        } // no consumers: close folds and releases every row
        try (SqliteTwinRepository repo = SqliteTwinRepository.open(dir, SqliteOptions.defaults())) {
            assertThat(repo.journalSize()).isZero();
            assertThat(repo.events().endOffset()).isEqualTo(end);
            writeDevices(repo, "p", 1);
            assertThat(repo.events().endOffset()).isEqualTo(end + 1);
        }
    }

    private static void writeDevices(SqliteTwinRepository repo, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            repo.write(List.of(
                            new Mutation.Put(TenantId.DEFAULT, Fixtures.small("urn:ngsi-ld:Device:" + prefix + i, i))))
                    .join();
        }
    }
}
