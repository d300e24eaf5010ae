package io.citytwin.store.sqlite;

import io.citytwin.sqlite.Migrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;

/** The schema of the twin store and its migrations. */
final class Schema {
    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "CREATE TABLE tenants (name TEXT NOT NULL PRIMARY KEY, created_at INTEGER NOT NULL) WITHOUT ROWID",
                    "CREATE TABLE entities (tenant TEXT NOT NULL, id TEXT NOT NULL, doc BLOB NOT NULL,"
                            + " PRIMARY KEY (tenant, id)) WITHOUT ROWID"),
            // 2: the change log that commits append to (doc NULL = removed); folded into entities in the background
            List.of(
                    "CREATE TABLE changelog (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, id TEXT NOT NULL, doc BLOB)"),
            // 3: the change log becomes the event journal: one row per change with its event, explicit sequence
            // numbers (offsets of the event log), the fold and truncation marks, and the consumers' commits
            List.of(
                    "ALTER TABLE changelog ADD COLUMN event BLOB",
                    "CREATE TABLE journal (key TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
                    "CREATE TABLE consumers (name TEXT NOT NULL PRIMARY KEY, position INTEGER NOT NULL,"
                            + " committed_at INTEGER NOT NULL) WITHOUT ROWID"));

    static final int CURRENT = MIGRATIONS.size();

    private Schema() {}

    /** Brings the database behind {@code c} (auto-commit off) to {@link #CURRENT} (see {@link Migrations}). */
    static void migrate(Connection c, InstantSource clock) throws SQLException {
        Migrations.migrate(c, MIGRATIONS, clock, "store", "twin store");
    }
}
