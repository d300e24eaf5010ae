package io.citytwin.history.sqlite;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.List;

/*
 * Versioned schema migrations, as in the twin store: `schema_version` holds one row per applied migration; on open
 * every migration with a higher number than the highest row runs, each in its own transaction together with its
 * row. Migrations are only ever appended. A database written by a newer CityTwin is refused rather than guessed at.
 */
/** The schema of the history store and its migrations. */
final class HistorySchema {
    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
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
                    + " count INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (series, start)) WITHOUT ROWID"));

    static final int CURRENT = MIGRATIONS.size();

    private HistorySchema() {}

    /** Brings the database behind {@code c} (auto-commit off) to {@link #CURRENT}. */
    static void migrate(Connection c, InstantSource clock) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version"
                    + " (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)");
            c.commit();
            int version;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                rs.next();
                version = rs.getInt(1);
            }
            if (version > CURRENT) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        "history.schema-too-new",
                        "The history store has schema version " + version + " but this CityTwin knows only up to "
                                + CURRENT + ": upgrade CityTwin");
            }
            for (int v = version; v < CURRENT; v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
                try (PreparedStatement p =
                        c.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
                    p.setInt(1, v + 1);
                    p.setLong(2, clock.millis());
                    p.executeUpdate();
                }
                c.commit();
            }
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }
}
