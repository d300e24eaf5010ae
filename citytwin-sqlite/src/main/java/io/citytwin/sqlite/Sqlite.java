package io.citytwin.sqlite;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.List;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opening SQLite connections the way the CityTwin stores use them. Stateless; thread-safe. */
public final class Sqlite {
    private static final Logger LOG = LoggerFactory.getLogger(Sqlite.class);

    private Sqlite() {}

    /**
     * Opens a connection to {@code file} (created when missing) in WAL mode with 8 KiB pages (on a new database
     * only), the given {@code synchronous} level, a 10 s busy timeout and a page cache of {@code cacheKib} KiB.
     * {@code getGeneratedKeys()} is off (it costs every statement a pattern match and a query): use {@code INSERT
     * ... RETURNING}.
     *
     * @param synchronous the value of {@code PRAGMA synchronous}, e.g. {@code NORMAL} or {@code FULL}
     * @param cacheKib the page cache of this connection in KiB, positive
     * @throws SQLException when the database cannot be opened; nothing stays open then
     */
    public static Connection connect(Path file, String synchronous, int cacheKib) throws SQLException {
        Properties props = new Properties();
        // sqlite-jdbc would otherwise match every executed statement's SQL against an INSERT pattern and prepare a
        // "last_insert_rowid" query after it: a fifth of a history commit's Java time. Use INSERT ... RETURNING.
        props.setProperty("jdbc.get_generated_keys", "false");
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
        try (Statement s = c.createStatement()) {
            // page_size only takes effect on a new database, before WAL mode is set
            s.execute("PRAGMA page_size = 8192");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = " + synchronous);
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("PRAGMA cache_size = -" + cacheKib);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Opens the small store database {@code dataDir/fileName} (both created when missing) with {@code synchronous =
     * NORMAL}, auto-commit off, migrated to the current schema (see {@link Migrations}): the opening of every
     * single-connection store (commands, device health, alarms, incidents, ...).
     *
     * @param cacheKib the page cache in KiB, positive
     * @param codePrefix the prefix of the error codes, e.g. {@code command}
     * @param storeName the store in messages, e.g. {@code command store}
     * @throws TwinException InternalError {@code <codePrefix>.open-failed} when it cannot be opened, {@code
     *     <codePrefix>.schema-too-new} when a newer CityTwin wrote it; nothing stays open then
     */
    public static Connection openMigrated(
            Path dataDir,
            String fileName,
            int cacheKib,
            List<List<String>> migrations,
            InstantSource clock,
            String codePrefix,
            String storeName) {
        Path file = dataDir.resolve(fileName);
        Connection c = null;
        try {
            Files.createDirectories(dataDir);
            c = connect(file, "NORMAL", cacheKib);
            c.setAutoCommit(false);
            Migrations.migrate(c, migrations, clock, codePrefix, storeName);
            return c;
        } catch (SQLException | IOException | RuntimeException e) {
            throw openFailed(e, codePrefix, storeName, file, c);
        }
    }

    /**
     * The exception to throw when opening the store {@code storeName} in {@code file} failed with {@code failure}:
     * first closes each of {@code opened} that is not null (a failure to close is added to {@code failure} as
     * suppressed), then returns {@code failure} itself when it is a {@link TwinException} (e.g. a schema too new),
     * else logs it and returns InternalError {@code <codePrefix>.open-failed} caused by it.
     *
     * @param codePrefix the prefix of the error code, e.g. {@code store}
     * @param storeName the store in the message, e.g. {@code twin store}
     */
    public static TwinException openFailed(
            Exception failure, String codePrefix, String storeName, Path file, @Nullable Connection... opened) {
        for (Connection c : opened) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof TwinException te) {
            return te;
        }
        LOG.error("Cannot open the {} {}", storeName, file, failure);
        return new TwinException(
                ErrorType.INTERNAL_ERROR, codePrefix + ".open-failed", "Cannot open the " + storeName, failure);
    }
}
