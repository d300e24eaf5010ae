package io.citytwin.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1_000));

    @TempDir
    Path dir;

    private Connection open() throws SQLException {
        Connection c = Sqlite.connect(dir.resolve("t.db"), "NORMAL", 1_024);
        c.setAutoCommit(false);
        return c;
    }

    private static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void migrate_newDatabase_appliesEveryMigrationAndRecordsItsVersion() throws Exception {
        try (Connection c = open()) {
            Migrations.migrate(
                    c, List.of(List.of("CREATE TABLE a (x)"), List.of("CREATE TABLE b (y)")), CLOCK, "t", "test");
            assertThat(version(c)).isEqualTo(2);
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO b (y) VALUES (1)");
            }
        }
    }

    @Test
    void migrate_again_runsOnlyTheAppendedMigrations() throws Exception {
        try (Connection c = open()) {
            Migrations.migrate(c, List.of(List.of("CREATE TABLE a (x)")), CLOCK, "t", "test");
        }
        try (Connection c = open()) {
            // re-running migration 1 would fail: the table exists
            Migrations.migrate(
                    c, List.of(List.of("CREATE TABLE a (x)"), List.of("CREATE TABLE b (y)")), CLOCK, "t", "test");
            assertThat(version(c)).isEqualTo(2);
        }
    }

    @Test
    void migrate_databaseOfANewerVersion_isRefusedWithThePrefixedCode() throws Exception {
        try (Connection c = open()) {
            Migrations.migrate(
                    c, List.of(List.of("CREATE TABLE a (x)"), List.of("CREATE TABLE b (y)")), CLOCK, "t", "x");
        }
        try (Connection c = open()) {
            assertThatThrownBy(() -> Migrations.migrate(c, List.of(List.of("CREATE TABLE a (x)")), CLOCK, "t", "test"))
                    .isInstanceOfSatisfying(
                            TwinException.class, e -> assertThat(e.code()).isEqualTo("t.schema-too-new"))
                    .hasMessageContaining("The test has schema version 2");
        }
    }
}
