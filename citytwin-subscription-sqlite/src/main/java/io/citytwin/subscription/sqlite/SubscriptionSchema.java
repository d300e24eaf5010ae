package io.citytwin.subscription.sqlite;

import io.citytwin.sqlite.Migrations;
import io.citytwin.sqlite.Sqlite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;

/** The schema of {@code subscriptions.db} and its migrations. */
final class SubscriptionSchema {
    /** The name of the database file inside the data directory. */
    static final String FILE_NAME = "subscriptions.db";

    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE subscriptions ("
                    + " tenant TEXT NOT NULL,"
                    + " id TEXT NOT NULL,"
                    + " body TEXT NOT NULL," // JSON, see SubscriptionCodec
                    + " times_sent INTEGER NOT NULL DEFAULT 0,"
                    + " times_failed INTEGER NOT NULL DEFAULT 0,"
                    + " last_notification TEXT," // ISO 8601 instants, nanosecond precision
                    + " last_success TEXT,"
                    + " last_failure TEXT,"
                    + " PRIMARY KEY (tenant, id)) WITHOUT ROWID",
            // AUTOINCREMENT: sequence numbers are never reused, even after every row was deleted
            "CREATE TABLE outbox ("
                    + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " tenant TEXT NOT NULL,"
                    + " subscription TEXT NOT NULL,"
                    + " endpoint TEXT NOT NULL,"
                    + " headers TEXT NOT NULL," // JSON object
                    + " body BLOB NOT NULL,"
                    + " created_at TEXT NOT NULL)",
            "CREATE INDEX outbox_subscription ON outbox (tenant, subscription)"));

    private SubscriptionSchema() {}

    /** Opens {@code dataDir/subscriptions.db} (auto-commit off) at the current schema. */
    static Connection open(Path dataDir, InstantSource clock, String synchronous) throws Exception {
        Files.createDirectories(dataDir);
        Connection c = Sqlite.connect(dataDir.resolve(FILE_NAME), synchronous, 8 * 1024);
        try {
            c.setAutoCommit(false);
            Migrations.migrate(c, MIGRATIONS, clock, "subscription", "subscription store");
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
