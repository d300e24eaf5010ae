package io.citytwin.store.sqlite;

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
 * Versioned schema migrations. `schema_version` holds one row per applied migration; on open every migration with a
 * higher number than the highest row runs, each in its own transaction together with its row. Migrations are only
 * ever appended: a released one never changes. A database written by a newer CityTwin (a version we do not know)
 * is refused rather than guessed at.
 */
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
                    "CREATE TABLE changelog (seq INTEGER PRIMARY KEY, tenant TEXT NOT NULL, id TEXT NOT NULL, doc BLOB)"));

    static final int CURRENT = MIGRATIONS.size();

    private Schema() {}

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
                        "store.schema-too-new",
                        "The twin store has schema version " + version + " but this CityTwin knows only up to "
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
