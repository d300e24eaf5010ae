package io.citytwin.sqlite;

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
/** Runs the versioned schema migrations of one SQLite database. Stateless; thread-safe. */
public final class Migrations {
    private Migrations() {}

    /**
     * Brings the database behind {@code c} (auto-commit off) to version {@code migrations.size()}: migration {@code
     * i} (a list of SQL statements) brings the schema from version {@code i} to {@code i + 1}.
     *
     * @param clock stamps each applied migration (bookkeeping only)
     * @param codePrefix the prefix of the error code, e.g. {@code store} for {@code store.schema-too-new}
     * @param storeName the store in the error message, e.g. {@code twin store}
     * @throws TwinException InternalError {@code <codePrefix>.schema-too-new} when a newer CityTwin wrote the
     *     database
     * @throws SQLException when a statement fails; the current transaction is rolled back
     */
    public static void migrate(
            Connection c, List<List<String>> migrations, InstantSource clock, String codePrefix, String storeName)
            throws SQLException {
        int current = migrations.size();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version"
                    + " (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)");
            c.commit();
            int version;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                rs.next();
                version = rs.getInt(1);
            }
            if (version > current) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR,
                        codePrefix + ".schema-too-new",
                        "The " + storeName + " has schema version " + version + " but this CityTwin knows only up to "
                                + current + ": upgrade CityTwin");
            }
            for (int v = version; v < current; v++) {
                for (String sql : migrations.get(v)) {
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
