package io.citytwin.device.sqlite;

import io.citytwin.device.DeviceId;
import io.citytwin.ingest.Channel;
import io.citytwin.ingest.DeadLetter;
import io.citytwin.ingest.DeviceHealth;
import io.citytwin.ingest.DeviceStateStore;
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
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/*
 * Device health is one row per device, replaced by each batch (an upsert); dead letters are rows in arrival order
 * (an autoincrement sequence). After appending, each batch trims the devices it touched to their newest perDevice
 * letters and the table to its newest total letters, so the file never grows beyond the bounds the ingest service
 * keeps in memory. One transaction per batch (the ingest service sends one about every second).
 */
/** The SQLite adapter of {@link DeviceStateStore}: {@code dataDir/device-health.db} (WAL). Thread-safe. */
public final class SqliteDeviceStateStore implements DeviceStateStore {
    /** The database file inside the data directory. */
    public static final String FILE_NAME = "device-health.db";

    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE device_health ("
                    + " tenant TEXT NOT NULL,"
                    + " device TEXT NOT NULL,"
                    + " entity_id TEXT NOT NULL,"
                    + " entity_type TEXT NOT NULL,"
                    + " state TEXT NOT NULL,"
                    + " last_seen TEXT,"
                    + " messages INTEGER NOT NULL,"
                    + " errors INTEGER NOT NULL,"
                    + " PRIMARY KEY (tenant, device)) WITHOUT ROWID",
            "CREATE TABLE dead_letters ("
                    + " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " tenant TEXT NOT NULL,"
                    + " device TEXT NOT NULL,"
                    + " received_at TEXT NOT NULL,"
                    + " channel TEXT NOT NULL,"
                    + " reason TEXT NOT NULL,"
                    + " size INTEGER NOT NULL,"
                    + " excerpt TEXT NOT NULL)",
            "CREATE INDEX dead_letters_device ON dead_letters (tenant, device, seq)"));

    private final Connection connection; // guarded by itself
    private boolean closed;

    private SqliteDeviceStateStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens (creating when needed) {@code dataDir/device-health.db}.
     *
     * @throws TwinException InternalError {@code device-health.open-failed}, {@code device-health.schema-too-new}
     */
    public static SqliteDeviceStateStore open(Path dataDir, InstantSource clock) {
        return new SqliteDeviceStateStore(Sqlite.openMigrated(
                dataDir, FILE_NAME, 2_048, MIGRATIONS, clock, "device-health", "device health store"));
    }

    @Override
    public Snapshot load(int perDevice) {
        synchronized (connection) {
            checkOpen();
            List<HealthRow> health = new ArrayList<>();
            List<LetterRow> letters = new ArrayList<>();
            try (Statement s = connection.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT tenant, device, entity_id, entity_type, state, last_seen,"
                        + " messages, errors FROM device_health")) {
                    while (rs.next()) {
                        String last = rs.getString(6);
                        health.add(new HealthRow(
                                TenantId.of(rs.getString(1)),
                                new DeviceId(rs.getString(2)),
                                EntityId.of(rs.getString(3)),
                                rs.getString(4),
                                new DeviceHealth(
                                        DeviceHealth.State.valueOf(rs.getString(5)),
                                        last == null ? null : Instant.parse(last),
                                        rs.getLong(7),
                                        rs.getLong(8))));
                    }
                }
                try (PreparedStatement p = connection.prepareStatement(
                        "SELECT tenant, device, received_at, channel, reason, size, excerpt FROM ("
                                + " SELECT *, ROW_NUMBER() OVER (PARTITION BY tenant, device ORDER BY seq DESC) AS n"
                                + " FROM dead_letters) WHERE n <= ? ORDER BY seq")) {
                    p.setInt(1, perDevice);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            letters.add(new LetterRow(
                                    TenantId.of(rs.getString(1)),
                                    new DeviceId(rs.getString(2)),
                                    new DeadLetter(
                                            Instant.parse(rs.getString(3)),
                                            Channel.valueOf(rs.getString(4)),
                                            rs.getString(5),
                                            rs.getInt(6),
                                            rs.getString(7))));
                        }
                    }
                }
                connection.commit();
                return new Snapshot(health, letters);
            } catch (SQLException | RuntimeException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public int save(List<HealthRow> health, List<LetterRow> letters, int perDevice, int total) {
        synchronized (connection) {
            checkOpen();
            try {
                try (PreparedStatement p = connection.prepareStatement("INSERT OR REPLACE INTO device_health"
                        + " (tenant, device, entity_id, entity_type, state, last_seen, messages, errors)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (HealthRow h : health) {
                        p.setString(1, h.tenant().value());
                        p.setString(2, h.device().value());
                        p.setString(3, h.entityId().value());
                        p.setString(4, h.entityType());
                        p.setString(5, h.health().state().name());
                        p.setString(
                                6,
                                h.health().lastSeen() == null
                                        ? null
                                        : h.health().lastSeen().toString());
                        p.setLong(7, h.health().messages());
                        p.setLong(8, h.health().errors());
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                int dropped = 0;
                if (!letters.isEmpty()) {
                    Set<List<String>> touched = new LinkedHashSet<>();
                    try (PreparedStatement p = connection.prepareStatement("INSERT INTO dead_letters"
                            + " (tenant, device, received_at, channel, reason, size, excerpt)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                        for (LetterRow l : letters) {
                            p.setString(1, l.tenant().value());
                            p.setString(2, l.device().value());
                            p.setString(3, l.letter().receivedAt().toString());
                            p.setString(4, l.letter().channel().name());
                            p.setString(5, l.letter().reason());
                            p.setInt(6, l.letter().size());
                            p.setString(7, l.letter().excerpt());
                            p.addBatch();
                            touched.add(List.of(l.tenant().value(), l.device().value()));
                        }
                        p.executeBatch();
                    }
                    try (PreparedStatement p = connection.prepareStatement(
                            "DELETE FROM dead_letters WHERE tenant = ? AND device = ? AND seq <= (SELECT seq FROM"
                                    + " dead_letters WHERE tenant = ? AND device = ? ORDER BY seq DESC LIMIT 1"
                                    + " OFFSET ?)")) {
                        for (List<String> d : touched) {
                            p.setString(1, d.get(0));
                            p.setString(2, d.get(1));
                            p.setString(3, d.get(0));
                            p.setString(4, d.get(1));
                            p.setInt(5, perDevice);
                            dropped += p.executeUpdate();
                        }
                    }
                    try (PreparedStatement p = connection.prepareStatement("DELETE FROM dead_letters WHERE seq <="
                            + " (SELECT seq FROM dead_letters ORDER BY seq DESC LIMIT 1 OFFSET ?)")) {
                        p.setInt(1, total);
                        dropped += p.executeUpdate();
                    }
                }
                connection.commit();
                return dropped;
            } catch (SQLException | RuntimeException e) {
                throw failed(e);
            }
        }
    }

    @Override
    public void forget(TenantId tenant, DeviceId device) {
        synchronized (connection) {
            checkOpen();
            try {
                for (String table : new String[] {"device_health", "dead_letters"}) {
                    try (PreparedStatement p =
                            connection.prepareStatement("DELETE FROM " + table + " WHERE tenant = ? AND device = ?")) {
                        p.setString(1, tenant.value());
                        p.setString(2, device.value());
                        p.executeUpdate();
                    }
                }
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

    private void checkOpen() {
        if (closed) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "device-health.closed", "The device health store is closed");
        }
    }

    private TwinException failed(Exception e) {
        try {
            connection.rollback();
        } catch (SQLException r) {
            e.addSuppressed(r);
        }
        if (e instanceof TwinException te) {
            return te;
        }
        return new TwinException(ErrorType.INTERNAL_ERROR, "device-health.failed", "Device health store failed", e);
    }
}
