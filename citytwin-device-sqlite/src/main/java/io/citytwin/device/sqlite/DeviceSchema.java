package io.citytwin.device.sqlite;

import io.citytwin.sqlite.Migrations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;

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

    /** Brings the database behind {@code c} (auto-commit off) to {@link #CURRENT} (see {@link Migrations}). */
    static void migrate(Connection c, InstantSource clock) throws SQLException {
        Migrations.migrate(c, MIGRATIONS, clock, "device", "device registry");
    }
}
