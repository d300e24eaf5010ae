package io.citytwin.device.sqlite;

import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.sqlite.Sqlite;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design. The registry is small (thousands to a few hundred thousand rows) and written rarely (provisioning), but read
 * on every device CONNECT. One connection, every method synchronized on it: SQLite serializes writers anyway, a
 * primary-key or unique-index lookup takes microseconds, and the slow part of a CONNECT (PBKDF2) happens outside,
 * in DeviceAuthenticator. If reads ever contend, a second read-only connection is the next step (WAL lets readers
 * run beside the writer).
 *
 * Uniqueness is checked twice: first by a lookup under the lock, which gives precise errors (duplicate id vs. taken
 * username); then by the PRIMARY KEY (tenant, id) and the UNIQUE index on username, which hold even if another
 * process writes the same file. A constraint violation from SQLite is mapped to the same AlreadyExists errors.
 *
 * Each write is its own transaction (auto-commit off, explicit commit), synchronous = NORMAL in WAL mode: a
 * returned write survives a crash of the process; the last writes before an OS crash or power loss may be lost.
 */
/**
 * The SQLite adapter of {@link DeviceRegistry}: devices in {@code dataDir/devices.db} (WAL mode), credentials as
 * {@link PasswordHash#encoded()} strings only, the attribute mapping as a JSON column. Thread-safe.
 */
public final class SqliteDeviceRegistry implements DeviceRegistry {
    /** The name of the database file inside the data directory. */
    public static final String FILE_NAME = "devices.db";

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDeviceRegistry.class);
    private static final String KIND_PASSWORD = "password";
    private static final String KIND_TOKEN = "token";
    private static final String COLUMNS = "tenant, id, entity_id, entity_type, credential_kind, username, secret_hash,"
            + " format, mapping, certificate_cn, created_at, modified_at";

    private final Path file;
    private final Connection connection; // guarded by itself
    private boolean closed; // guarded by connection

    private SqliteDeviceRegistry(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** {@link #open(Path, InstantSource)} with the system clock. */
    public static SqliteDeviceRegistry open(Path dataDir) {
        return open(dataDir, InstantSource.system());
    }

    /**
     * Opens (creating when needed) the registry in {@code dataDir/devices.db}, migrating its schema to the current
     * version.
     *
     * @param clock stamps the schema migrations (bookkeeping only)
     * @throws TwinException InternalError {@code device.open-failed} when the directory or database cannot be opened,
     *     {@code device.schema-too-new} when a newer CityTwin wrote it
     */
    public static SqliteDeviceRegistry open(Path dataDir, InstantSource clock) {
        Path file = dataDir.resolve(FILE_NAME);
        Connection c = null;
        try {
            Files.createDirectories(dataDir);
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("PRAGMA busy_timeout = 10000");
            }
            c.setAutoCommit(false);
            DeviceSchema.migrate(c, clock);
            return new SqliteDeviceRegistry(file, c);
        } catch (SQLException | IOException | RuntimeException e) {
            throw Sqlite.openFailed(e, "device", "device registry", file, c);
        }
    }

    @Override
    public Device create(Device device) {
        synchronized (connection) {
            checkOpen();
            try {
                if (exists(device.tenant(), device.id())) {
                    throw DeviceRegistry.alreadyExists(device.tenant(), device.id());
                }
                Optional<String> username = device.username();
                if (username.isPresent() && usernameHolder(username.get()).isPresent()) {
                    throw DeviceRegistry.usernameTaken(username.get());
                }
                try (PreparedStatement p = connection.prepareStatement(
                        "INSERT INTO devices (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    bind(p, device, device.createdAt());
                    p.executeUpdate();
                }
                connection.commit();
                return device;
            } catch (SQLException e) {
                throw writeFailed(e, device);
            } catch (TwinException e) {
                rollbackQuietly(e);
                throw e;
            }
        }
    }

    @Override
    public Optional<Device> get(TenantId tenant, DeviceId id) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("SELECT " + COLUMNS + " FROM devices WHERE tenant = ? AND id = ?")) {
                p.setString(1, tenant.value());
                p.setString(2, id.value());
                return readOne(p);
            } catch (SQLException e) {
                throw readFailed(e);
            } finally {
                endRead();
            }
        }
    }

    @Override
    public List<Device> list(TenantId tenant, int offset, int limit) {
        DeviceRegistry.checkPaging(offset, limit);
        synchronized (connection) {
            checkOpen();
            // ORDER BY id uses the primary key (BINARY collation = code unit order for ASCII ids)
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM devices WHERE tenant = ? ORDER BY id LIMIT ? OFFSET ?")) {
                p.setString(1, tenant.value());
                p.setInt(2, limit);
                p.setInt(3, offset);
                List<Device> page = new ArrayList<>(Math.min(limit, 1_000));
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        page.add(decode(rs));
                    }
                }
                return page;
            } catch (SQLException e) {
                throw readFailed(e);
            } finally {
                endRead();
            }
        }
    }

    @Override
    public List<Device> withCommands() {
        synchronized (connection) {
            checkOpen();
            // the mapping column holds "command":true only for command mappings (MappingCodec): a cheap pre-filter
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM devices WHERE mapping LIKE '%\"command\":true%'")) {
                List<Device> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        Device d = decode(rs);
                        if (d.mapping().stream().anyMatch(m -> m.command())) {
                            out.add(d);
                        }
                    }
                }
                return out;
            } catch (SQLException e) {
                throw readFailed(e);
            } finally {
                endRead();
            }
        }
    }

    @Override
    public long count(TenantId tenant) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM devices WHERE tenant = ?")) {
                p.setString(1, tenant.value());
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw readFailed(e);
            } finally {
                endRead();
            }
        }
    }

    @Override
    public Device update(Device device) {
        synchronized (connection) {
            checkOpen();
            try {
                Optional<Device> old = get(device.tenant(), device.id());
                if (old.isEmpty()) {
                    throw DeviceRegistry.notFound(device.tenant(), device.id());
                }
                Optional<String> username = device.username();
                if (username.isPresent()) {
                    Optional<String[]> holder = usernameHolder(username.get());
                    if (holder.isPresent()
                            && !(holder.get()[0].equals(device.tenant().value())
                                    && holder.get()[1].equals(device.id().value()))) {
                        throw DeviceRegistry.usernameTaken(username.get());
                    }
                }
                Instant createdAt = old.get().createdAt();
                Instant modifiedAt = device.modifiedAt().isBefore(createdAt) ? createdAt : device.modifiedAt();
                Device stored = new Device(
                        device.id(),
                        device.tenant(),
                        device.entityId(),
                        device.entityType(),
                        device.credentials(),
                        device.format(),
                        device.mapping(),
                        device.certificateCn(),
                        createdAt,
                        modifiedAt);
                try (PreparedStatement p = connection.prepareStatement("UPDATE devices SET tenant = ?, id = ?,"
                        + " entity_id = ?, entity_type = ?, credential_kind = ?, username = ?, secret_hash = ?,"
                        + " format = ?, mapping = ?, certificate_cn = ?, created_at = ?, modified_at = ?"
                        + " WHERE tenant = ? AND id = ?")) {
                    bind(p, stored, createdAt);
                    p.setString(13, device.tenant().value());
                    p.setString(14, device.id().value());
                    p.executeUpdate();
                }
                connection.commit();
                return stored;
            } catch (SQLException e) {
                throw writeFailed(e, device);
            } catch (TwinException e) {
                rollbackQuietly(e);
                throw e;
            }
        }
    }

    @Override
    public void delete(TenantId tenant, DeviceId id) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement("DELETE FROM devices WHERE tenant = ? AND id = ?")) {
                p.setString(1, tenant.value());
                p.setString(2, id.value());
                int deleted = p.executeUpdate();
                connection.commit();
                if (deleted == 0) {
                    throw DeviceRegistry.notFound(tenant, id);
                }
            } catch (SQLException e) {
                rollbackQuietly(e);
                LOG.error("Cannot delete device {} of tenant {} in {}", id, tenant, file, e);
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR, "device.write-failed", "Cannot write the device registry", e);
            }
        }
    }

    @Override
    public Optional<Device> findByUsername(String username) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("SELECT " + COLUMNS + " FROM devices WHERE username = ?")) {
                p.setString(1, username);
                return readOne(p);
            } catch (SQLException e) {
                throw readFailed(e);
            } finally {
                endRead();
            }
        }
    }

    /** Checkpoints the WAL into the database file and closes it. Idempotent. */
    @Override
    public void close() {
        synchronized (connection) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                connection.commit();
                connection.setAutoCommit(true);
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
            } catch (SQLException e) {
                LOG.warn("Cannot checkpoint the device registry {}", file, e);
            } finally {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.warn("Cannot close the device registry {}", file, e);
                }
            }
        }
    }

    private void bind(PreparedStatement p, Device d, Instant createdAt) throws SQLException {
        p.setString(1, d.tenant().value());
        p.setString(2, d.id().value());
        p.setString(3, d.entityId().value());
        p.setString(4, d.entityType());
        switch (d.credentials()) {
            case Credentials.UsernamePassword up -> {
                p.setString(5, KIND_PASSWORD);
                p.setString(6, up.username());
            }
            case Credentials.Token t -> {
                p.setString(5, KIND_TOKEN);
                p.setNull(6, java.sql.Types.VARCHAR);
            }
        }
        p.setString(7, d.credentials().hash().encoded());
        p.setString(8, d.format().name());
        p.setString(9, MappingCodec.write(d.mapping()));
        setNullable(p, 10, d.certificateCn());
        p.setString(11, createdAt.toString());
        p.setString(12, d.modifiedAt().toString());
    }

    private static void setNullable(PreparedStatement p, int index, @Nullable String value) throws SQLException {
        if (value == null) {
            p.setNull(index, java.sql.Types.VARCHAR);
        } else {
            p.setString(index, value);
        }
    }

    private Optional<Device> readOne(PreparedStatement p) throws SQLException {
        try (ResultSet rs = p.executeQuery()) {
            return rs.next() ? Optional.of(decode(rs)) : Optional.empty();
        }
    }

    private Device decode(ResultSet rs) throws SQLException {
        String tenant = rs.getString(1);
        String id = rs.getString(2);
        try {
            PasswordHash hash = PasswordHash.parse(rs.getString(7));
            String kind = rs.getString(5);
            Credentials credentials =
                    switch (kind) {
                        case KIND_PASSWORD -> new Credentials.UsernamePassword(rs.getString(6), hash);
                        case KIND_TOKEN -> new Credentials.Token(hash);
                        default -> throw new IllegalArgumentException("unknown credential kind " + kind);
                    };
            return new Device(
                    new DeviceId(id),
                    new TenantId(tenant),
                    new EntityId(rs.getString(3)),
                    rs.getString(4),
                    credentials,
                    PayloadFormat.valueOf(rs.getString(8)),
                    MappingCodec.read(rs.getString(9)),
                    rs.getString(10),
                    Instant.parse(rs.getString(11)),
                    Instant.parse(rs.getString(12)));
        } catch (RuntimeException e) { // TwinException from validation, parse errors, unknown enum names
            LOG.error("Corrupt device record {} of tenant {} in {}", id, tenant, file, e);
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR,
                    "device.corrupt-record",
                    "The stored record of device '" + id + "' cannot be read",
                    e);
        }
    }

    private boolean exists(TenantId tenant, DeviceId id) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT 1 FROM devices WHERE tenant = ? AND id = ?")) {
            p.setString(1, tenant.value());
            p.setString(2, id.value());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The (tenant, id) of the device holding {@code username}. */
    private Optional<String[]> usernameHolder(String username) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT tenant, id FROM devices WHERE username = ?")) {
            p.setString(1, username);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
            }
        }
    }

    /** Ends the implicit read transaction so that the WAL can be checkpointed. */
    private void endRead() {
        try {
            connection.commit();
        } catch (SQLException e) {
            LOG.warn("Cannot end a read transaction of the device registry {}", file, e);
        }
    }

    private TwinException writeFailed(SQLException e, Device device) {
        rollbackQuietly(e);
        String message = String.valueOf(e.getMessage());
        if (message.contains("UNIQUE constraint failed") || message.contains("PRIMARY KEY")) {
            // a writer outside this instance got there first
            return message.contains("username")
                    ? DeviceRegistry.usernameTaken(device.username().orElse(""))
                    : DeviceRegistry.alreadyExists(device.tenant(), device.id());
        }
        LOG.error("Cannot write device {} of tenant {} to {}", device.id(), device.tenant(), file, e);
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "device.write-failed", "Cannot write the device registry", e);
    }

    private TwinException readFailed(SQLException e) {
        LOG.error("Cannot read the device registry {}", file, e);
        return new TwinException(ErrorType.INTERNAL_ERROR, "device.read-failed", "Cannot read the device registry", e);
    }

    private void rollbackQuietly(Exception primary) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            primary.addSuppressed(e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw DeviceRegistry.closed();
        }
    }
}
