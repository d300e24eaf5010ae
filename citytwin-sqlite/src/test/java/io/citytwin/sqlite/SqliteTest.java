package io.citytwin.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTest {
    @TempDir
    Path dir;

    @Test
    void connect_newDatabase_isInWalModeWith8KiBPages() throws Exception {
        try (Connection c = Sqlite.connect(dir.resolve("t.db"), "FULL", 2_048);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(8192);
            }
        }
    }

    @Test
    void openFailed_sqlFailure_closesTheConnectionsAndWrapsWithThePrefixedCode() throws Exception {
        Connection c = Sqlite.connect(dir.resolve("t.db"), "NORMAL", 1_024);
        TwinException e = Sqlite.openFailed(new SQLException("disk"), "t", "test store", dir, c, null);
        assertThat(c.isClosed()).isTrue();
        assertThat(e.code()).isEqualTo("t.open-failed");
        assertThat(e).hasMessageContaining("Cannot open the test store").hasCauseInstanceOf(SQLException.class);
    }

    @Test
    void openFailed_twinException_isReturnedAsItIs() {
        TwinException cause = new TwinException(ErrorType.INTERNAL_ERROR, "t.schema-too-new", "newer");
        assertThat(Sqlite.openFailed(cause, "t", "test store", dir)).isSameAs(cause);
    }
}
