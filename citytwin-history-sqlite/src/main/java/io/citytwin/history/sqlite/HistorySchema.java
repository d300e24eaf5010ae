package io.citytwin.history.sqlite;

import io.citytwin.sqlite.Migrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;

/** The schema of the history store and its migrations. */
final class HistorySchema {
    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    // dataset '' is the default instance: NULL would make the UNIQUE constraint useless
                    "CREATE TABLE series (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, entity TEXT NOT NULL,"
                            + " attribute TEXT NOT NULL, dataset TEXT NOT NULL, entity_type TEXT NOT NULL,"
                            + " UNIQUE (tenant, entity, attribute, dataset))",
                    "CREATE INDEX series_type ON series (tenant, entity_type)",
                    // t: the time axis in epoch milliseconds (floored), for the index; the exact time is in data
                    "CREATE TABLE recent (seq INTEGER PRIMARY KEY, series INTEGER NOT NULL, t INTEGER NOT NULL,"
                            + " data BLOB NOT NULL)",
                    "CREATE INDEX recent_series ON recent (series, t)",
                    "CREATE TABLE chunks (series INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,"
                            + " count INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (series, start)) WITHOUT ROWID"),
            // the index of series by (tenant, entity type, entity id) of the temporal query
            List.of(
                    "CREATE INDEX series_tenant_type_entity ON series (tenant, entity_type, entity)",
                    "DROP INDEX series_type"),
            // exactly-once history: the event log offset the consumer resumes at, written with the records
            List.of("CREATE TABLE log_offset (id INTEGER PRIMARY KEY, next INTEGER NOT NULL)"),
            // where commits write first: a small table whose index stays small (see FRESH ROWS in the store)
            List.of(
                    "CREATE TABLE fresh (seq INTEGER PRIMARY KEY, series INTEGER NOT NULL, t INTEGER NOT NULL,"
                            + " data BLOB NOT NULL)",
                    "CREATE INDEX fresh_series ON fresh (series, t)"),
            // between fresh and recent: fresh rows gather here before the (large) recent index takes them
            List.of(
                    "CREATE TABLE warm (seq INTEGER PRIMARY KEY, series INTEGER NOT NULL, t INTEGER NOT NULL,"
                            + " data BLOB NOT NULL)",
                    "CREATE INDEX warm_series ON warm (series, t)"));

    static final int CURRENT = MIGRATIONS.size();

    private HistorySchema() {}

    /** Brings the database behind {@code c} (auto-commit off) to {@link #CURRENT} (see {@link Migrations}). */
    static void migrate(Connection c, InstantSource clock) throws SQLException {
        Migrations.migrate(c, MIGRATIONS, clock, "history", "history store");
    }
}
