package io.citytwin.device.sqlite;

import io.citytwin.command.Command;
import io.citytwin.command.CommandStatus;
import io.citytwin.command.CommandStore;
import io.citytwin.device.DeviceId;
import io.citytwin.sqlite.Sqlite;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQLite adapter of {@link CommandStore}: commands in {@code dataDir/commands.db} (WAL, synchronous NORMAL: a
 * returned write survives a crash of the process). Commands are operator-paced, so one connection under one lock and
 * one transaction per call is plenty. Thread-safe.
 */
public final class SqliteCommandStore implements CommandStore {
    /** The database file inside the data directory. */
    public static final String FILE_NAME = "commands.db";

    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE commands ("
                    + " id TEXT NOT NULL PRIMARY KEY,"
                    + " tenant TEXT NOT NULL,"
                    + " device TEXT NOT NULL,"
                    + " entity_id TEXT NOT NULL,"
                    + " attribute TEXT NOT NULL,"
                    + " name TEXT NOT NULL,"
                    + " value TEXT NOT NULL," // JSON
                    + " issued_at TEXT NOT NULL," // ISO 8601
                    + " expires_at TEXT NOT NULL,"
                    + " status TEXT NOT NULL," // CommandStatus name
                    + " info TEXT,"
                    + " updated_at TEXT NOT NULL,"
                    + " open INTEGER NOT NULL)", // 1 while PENDING or DELIVERED
            "CREATE INDEX commands_device ON commands (tenant, device)",
            "CREATE INDEX commands_open ON commands (open, updated_at)"));

    private static final String COLUMNS =
            "id, tenant, device, entity_id, attribute, name, value, issued_at, expires_at, status, info, updated_at, open";

    private final Connection connection; // guarded by itself
    private boolean closed;

    private SqliteCommandStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens (creating when needed) {@code dataDir/commands.db}.
     *
     * @throws TwinException InternalError {@code command.open-failed}, {@code command.schema-too-new}
     */
    public static SqliteCommandStore open(Path dataDir, InstantSource clock) {
        return new SqliteCommandStore(
                Sqlite.openMigrated(dataDir, FILE_NAME, 2_048, MIGRATIONS, clock, "command", "command store"));
    }

    @Override
    public List<Command> insert(List<Command> commands) {
        synchronized (connection) {
            checkOpen();
            List<Command> fresh = new ArrayList<>(commands.size());
            try (PreparedStatement p = connection.prepareStatement("INSERT OR IGNORE INTO commands (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Command c : commands) {
                    bind(p, c);
                    if (p.executeUpdate() == 1) {
                        fresh.add(c);
                    }
                }
                connection.commit();
                return fresh;
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public void update(List<Command> commands) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement(
                    "UPDATE commands SET status = ?, info = ?, updated_at = ?, open = ? WHERE id = ?")) {
                for (Command c : commands) {
                    p.setString(1, c.status().name());
                    p.setString(2, c.info());
                    p.setString(3, c.updatedAt().toString());
                    p.setInt(4, c.status().open() ? 1 : 0);
                    p.setString(5, c.id());
                    p.addBatch();
                }
                p.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public Optional<Command> find(TenantId tenant, DeviceId device, String id) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM commands WHERE id = ? AND tenant = ? AND device = ?")) {
                p.setString(1, id);
                p.setString(2, tenant.value());
                p.setString(3, device.value());
                List<Command> out = read(p);
                connection.commit();
                return out.stream().findFirst();
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public List<Command> open() {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM commands WHERE open = 1 ORDER BY issued_at, id")) {
                List<Command> out = read(p);
                connection.commit();
                return out;
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public int prune(Instant before) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("DELETE FROM commands WHERE open = 0 AND updated_at < ?")) {
                p.setString(1, before.toString());
                int n = p.executeUpdate();
                connection.commit();
                return n;
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public void deleteDevice(TenantId tenant, DeviceId device) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("DELETE FROM commands WHERE tenant = ? AND device = ?")) {
                p.setString(1, tenant.value());
                p.setString(2, device.value());
                p.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (connection) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                connection.close();
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    private static void bind(PreparedStatement p, Command c) throws SQLException {
        p.setString(1, c.id());
        p.setString(2, c.tenant().value());
        p.setString(3, c.device().value());
        p.setString(4, c.entityId().value());
        p.setString(5, c.attribute());
        p.setString(6, c.name());
        p.setString(7, JsonValues.write(c.value()));
        p.setString(8, c.issuedAt().toString());
        p.setString(9, c.expiresAt().toString());
        p.setString(10, c.status().name());
        p.setString(11, c.info());
        p.setString(12, c.updatedAt().toString());
        p.setInt(13, c.status().open() ? 1 : 0);
    }

    private static List<Command> read(PreparedStatement p) throws SQLException {
        List<Command> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                try {
                    out.add(new Command(
                            rs.getString(1),
                            TenantId.of(rs.getString(2)),
                            new DeviceId(rs.getString(3)),
                            EntityId.of(rs.getString(4)),
                            rs.getString(5),
                            rs.getString(6),
                            JsonValues.read(rs.getString(7)),
                            Instant.parse(rs.getString(8)),
                            Instant.parse(rs.getString(9)),
                            CommandStatus.valueOf(rs.getString(10)),
                            rs.getString(11),
                            Instant.parse(rs.getString(12))));
                } catch (RuntimeException e) {
                    throw new TwinException(
                            ErrorType.INTERNAL_ERROR,
                            "command.corrupt",
                            "Stored command " + rs.getString(1) + " cannot be read",
                            e);
                }
            }
        }
        return out;
    }

    private void checkOpen() {
        if (closed) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "command.store-closed", "The command store is closed");
        }
    }

    private TwinException failed(SQLException e) {
        try {
            connection.rollback();
        } catch (SQLException r) {
            e.addSuppressed(r);
        }
        return new TwinException(ErrorType.INTERNAL_ERROR, "command.store-failed", "Command store failed", e);
    }
}
