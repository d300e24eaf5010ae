package io.citytwin.subscription.sqlite;

import io.citytwin.sqlite.Sqlite;
import io.citytwin.subscription.DeliveryStatus;
import io.citytwin.subscription.Subscription;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.SubscriptionKey;
import io.citytwin.subscription.SubscriptionStore;
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
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/*
 * Design. Subscriptions are few (up to tens of thousands) and written rarely (API calls); the notifier reads them from
 * its in-memory index, so this store is read at start and by the API only. One connection, every method synchronized
 * on it, one transaction per write (synchronous = NORMAL in WAL: a returned write survives a process crash).
 * Delivery counters are columns of the same row, updated in one transaction per flush (about once a second).
 */
/** The SQLite adapter of {@link SubscriptionStore} in {@code dataDir/subscriptions.db}. Thread-safe. */
public final class SqliteSubscriptionStore implements SubscriptionStore {
    /** The name of the database file inside the data directory. */
    public static final String FILE_NAME = SubscriptionSchema.FILE_NAME;

    private final Connection connection; // guarded by itself
    private boolean closed; // guarded by connection

    private SqliteSubscriptionStore(Connection connection) {
        this.connection = connection;
    }

    /** {@link #open(Path, InstantSource)} with the system clock. */
    public static SqliteSubscriptionStore open(Path dataDir) {
        return open(dataDir, InstantSource.system());
    }

    /**
     * Opens (creating when needed) the store in {@code dataDir/subscriptions.db}.
     *
     * @throws TwinException InternalError {@code subscription.open-failed} when it cannot be opened
     */
    public static SqliteSubscriptionStore open(Path dataDir, InstantSource clock) {
        try {
            return new SqliteSubscriptionStore(SubscriptionSchema.open(dataDir, clock, "NORMAL"));
        } catch (Exception e) {
            throw Sqlite.openFailed(e, "subscription", "subscription store", dataDir.resolve(FILE_NAME));
        }
    }

    @Override
    public Subscription create(Subscription s) {
        synchronized (connection) {
            checkOpen();
            try {
                if (exists(s.tenant(), s.id())) {
                    throw SubscriptionStore.alreadyExists(s.tenant(), s.id());
                }
                try (PreparedStatement p =
                        connection.prepareStatement("INSERT INTO subscriptions (tenant, id, body) VALUES (?, ?, ?)")) {
                    p.setString(1, s.tenant().value());
                    p.setString(2, s.id().value());
                    p.setString(3, SubscriptionCodec.write(s));
                    p.executeUpdate();
                }
                connection.commit();
                return s;
            } catch (SQLException e) {
                throw failed(e, "write");
            }
        }
    }

    @Override
    public Optional<Subscription> get(TenantId tenant, SubscriptionId id) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT tenant, id, body FROM subscriptions WHERE tenant = ? AND id = ?")) {
                p.setString(1, tenant.value());
                p.setString(2, id.value());
                List<Subscription> l = readAll(p);
                return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
            } catch (SQLException e) {
                throw failed(e, "read");
            } finally {
                endRead();
            }
        }
    }

    @Override
    public List<Subscription> list(TenantId tenant, int offset, int limit) {
        SubscriptionStore.checkPaging(offset, limit);
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT tenant, id, body FROM subscriptions WHERE tenant = ? ORDER BY id LIMIT ? OFFSET ?")) {
                p.setString(1, tenant.value());
                p.setInt(2, limit);
                p.setInt(3, offset);
                return readAll(p);
            } catch (SQLException e) {
                throw failed(e, "read");
            } finally {
                endRead();
            }
        }
    }

    @Override
    public long count(TenantId tenant) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("SELECT count(*) FROM subscriptions WHERE tenant = ?")) {
                p.setString(1, tenant.value());
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw failed(e, "read");
            } finally {
                endRead();
            }
        }
    }

    @Override
    public List<Subscription> all() {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("SELECT tenant, id, body FROM subscriptions ORDER BY tenant, id")) {
                return readAll(p);
            } catch (SQLException e) {
                throw failed(e, "read");
            } finally {
                endRead();
            }
        }
    }

    @Override
    public Subscription update(Subscription s) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("UPDATE subscriptions SET body = ? WHERE tenant = ? AND id = ?")) {
                p.setString(1, SubscriptionCodec.write(s));
                p.setString(2, s.tenant().value());
                p.setString(3, s.id().value());
                if (p.executeUpdate() == 0) {
                    connection.rollback();
                    throw SubscriptionStore.notFound(s.tenant(), s.id());
                }
                connection.commit();
                return s;
            } catch (SQLException e) {
                throw failed(e, "write");
            }
        }
    }

    @Override
    public boolean delete(TenantId tenant, SubscriptionId id) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("DELETE FROM subscriptions WHERE tenant = ? AND id = ?")) {
                p.setString(1, tenant.value());
                p.setString(2, id.value());
                int n = p.executeUpdate();
                connection.commit();
                return n > 0;
            } catch (SQLException e) {
                throw failed(e, "write");
            }
        }
    }

    @Override
    public DeliveryStatus status(TenantId tenant, SubscriptionId id) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement(
                    "SELECT times_sent, times_failed, last_notification, last_success, last_failure"
                            + " FROM subscriptions WHERE tenant = ? AND id = ?")) {
                p.setString(1, tenant.value());
                p.setString(2, id.value());
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        return DeliveryStatus.NONE;
                    }
                    return new DeliveryStatus(
                            rs.getLong(1),
                            rs.getLong(2),
                            instant(rs.getString(3)),
                            instant(rs.getString(4)),
                            instant(rs.getString(5)));
                }
            } catch (SQLException e) {
                throw failed(e, "read");
            } finally {
                endRead();
            }
        }
    }

    @Override
    public void addStatus(Map<SubscriptionKey, DeliveryStatus> deltas) {
        if (deltas.isEmpty()) {
            return;
        }
        synchronized (connection) {
            checkOpen();
            try {
                for (Map.Entry<SubscriptionKey, DeliveryStatus> e : deltas.entrySet()) {
                    TenantId tenant = e.getKey().tenant();
                    SubscriptionId id = e.getKey().id();
                    DeliveryStatus now = status(tenant, id).merge(e.getValue());
                    try (PreparedStatement p = connection.prepareStatement("UPDATE subscriptions SET times_sent = ?,"
                            + " times_failed = ?, last_notification = ?, last_success = ?, last_failure = ?"
                            + " WHERE tenant = ? AND id = ?")) {
                        p.setLong(1, now.timesSent());
                        p.setLong(2, now.timesFailed());
                        p.setString(3, text(now.lastNotification()));
                        p.setString(4, text(now.lastSuccess()));
                        p.setString(5, text(now.lastFailure()));
                        p.setString(6, tenant.value());
                        p.setString(7, id.value());
                        p.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                throw failed(e, "write");
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
                throw failed(e, "close");
            }
        }
    }

    private boolean exists(TenantId tenant, SubscriptionId id) throws SQLException {
        try (PreparedStatement p =
                connection.prepareStatement("SELECT 1 FROM subscriptions WHERE tenant = ? AND id = ?")) {
            p.setString(1, tenant.value());
            p.setString(2, id.value());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    private List<Subscription> readAll(PreparedStatement p) throws SQLException {
        List<Subscription> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                String tenant = rs.getString(1);
                String id = rs.getString(2);
                try {
                    out.add(SubscriptionCodec.read(new TenantId(tenant), id, rs.getString(3)));
                } catch (RuntimeException e) {
                    throw new TwinException(
                            ErrorType.INTERNAL_ERROR,
                            "subscription.corrupt",
                            "Stored subscription '" + id + "' of tenant '" + tenant + "' cannot be read",
                            e);
                }
            }
        }
        return out;
    }

    /** Ends the read transaction auto-commit off opened, so WAL checkpoints are not held back. */
    private void endRead() {
        try {
            connection.commit();
        } catch (SQLException e) {
            throw failed(e, "read");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw SubscriptionStore.closed();
        }
    }

    private TwinException failed(SQLException e, String what) {
        try {
            connection.rollback();
        } catch (SQLException r) {
            e.addSuppressed(r);
        }
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "subscription.store-failed", "Subscription store " + what + " failed", e);
    }

    private static @Nullable Instant instant(@Nullable String s) {
        return s == null ? null : Instant.parse(s);
    }

    private static @Nullable String text(@Nullable Instant t) {
        return t == null ? null : t.toString();
    }
}
