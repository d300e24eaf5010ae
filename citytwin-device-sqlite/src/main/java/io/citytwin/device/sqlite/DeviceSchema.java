package io.citytwin.device.sqlite;

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
 * Versioned schema migrations, the same scheme as the twin store's Schema: `schema_version` holds one row per applied
 * migration; on open every migration above the highest row runs, each in its own transaction together with its row.
 * Migrations are only ever appended. A database written by a newer CityTwin is refused rather than guessed at.
 */
/** The schema of the device registry and its migrations. */
final class DeviceSchema {
    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE devices ("
                    + " tenant TEXT NOT NULL,"
                    + " id TEXT NOT NULL,"
                    + " entity_id TEXT NOT NULL,"
                    + " entity_type TEXT NOT NULL,"
                    + " credential_kind TEXT NOT NULL," // 'password' or 'token'
                    + " username TEXT," // NULL for tokens; SQLite UNIQUE allows many NULLs
                    + " secret_hash TEXT NOT NULL," // PasswordHash.encoded(), never the secret
                    + " format TEXT NOT NULL,"
                    + " mapping TEXT NOT NULL," // JSON array, see MappingCodec
                    + " certificate_cn TEXT,"
                    + " created_at TEXT NOT NULL," // ISO 8601 instants, nanosecond precision
                    + " modified_at TEXT NOT NULL,"
                    + " PRIMARY KEY (tenant, id)) WITHOUT ROWID",
            "CREATE UNIQUE INDEX devices_username ON devices (username)"));

    static final int CURRENT = MIGRATIONS.size();

    private DeviceSchema() {}

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
                        "device.schema-too-new",
                        "The device registry has schema version " + version + " but this CityTwin knows only up to "
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
