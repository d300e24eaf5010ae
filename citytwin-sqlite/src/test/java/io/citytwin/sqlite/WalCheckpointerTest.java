package io.citytwin.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalCheckpointerTest {
    @TempDir
    Path dir;

    @Test
    void start_turnsAutomaticCheckpointsOffAndCloseReleasesItsConnection() throws Exception {
        Path file = dir.resolve("t.db");
        try (Connection write = Sqlite.connect(file, "NORMAL", 1_024)) {
            Connection own = Sqlite.connect(file, "NORMAL", 1_024);
            WalCheckpointer c = WalCheckpointer.start(file, write, own, "test-checkpoint");
            try (Statement s = write.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA wal_autocheckpoint")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            try (Statement s = write.createStatement()) {
                s.execute("CREATE TABLE a (x)");
                s.execute("INSERT INTO a VALUES (1)");
            }
            c.checkpointIfWalTooLarge(); // below the limit: nothing to do
            c.close();
            c.close(); // idempotent
            assertThat(own.isClosed()).isTrue();
            assertThat(write.isClosed()).isFalse();
        }
    }
}
