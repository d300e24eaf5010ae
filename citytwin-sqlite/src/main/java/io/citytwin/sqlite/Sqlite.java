package io.citytwin.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Opening SQLite connections the way the CityTwin stores use them. Stateless; thread-safe. */
public final class Sqlite {
    private Sqlite() {}

    /**
     * Opens a connection to {@code file} (created when missing) in WAL mode with 8 KiB pages (on a new database
     * only), the given {@code synchronous} level, a 10 s busy timeout and a page cache of {@code cacheKib} KiB.
     *
     * @param synchronous the value of {@code PRAGMA synchronous}, e.g. {@code NORMAL} or {@code FULL}
     * @param cacheKib the page cache of this connection in KiB, positive
     * @throws SQLException when the database cannot be opened; nothing stays open then
     */
    public static Connection connect(Path file, String synchronous, int cacheKib) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
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
}
