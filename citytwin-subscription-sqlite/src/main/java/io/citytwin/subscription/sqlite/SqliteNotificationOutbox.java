package io.citytwin.subscription.sqlite;

import io.citytwin.sqlite.Sqlite;
import io.citytwin.subscription.Notification;
import io.citytwin.subscription.NotificationOutbox;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.SubscriptionKey;
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
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Group commit. Every operation (append, remove, read) is a request on one queue served by one writer thread that
 * owns the connection. The writer takes whatever has queued up (up to MAX_BATCH requests), runs all of them in ONE
 * transaction and commits once, then completes the callers' futures. Under load many appends and removals share a
 * commit (the fsync-like cost of a WAL commit is paid once per batch); when idle a single request commits at once,
 * so there is no added latency. Appends return only after their commit (durable: synchronous = NORMAL in WAL
 * survives a process crash); removals are fire-and-forget and become durable with the next commit, which at most
 * re-delivers (at-least-once). Sequence numbers are assigned by the writer from a counter initialised from the
 * AUTOINCREMENT high-water mark, so they increase across restarts and are never reused.
 */
/** The SQLite adapter of {@link NotificationOutbox} in {@code dataDir/subscriptions.db}. Thread-safe. */
public final class SqliteNotificationOutbox implements NotificationOutbox {
    private static final int MAX_BATCH = 512;

    private final Connection connection; // writer thread only (and open/close)
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final AtomicLong size = new AtomicLong();
    private final Thread writer;
    private long nextSeq; // writer thread only
    private volatile boolean closed;

    private sealed interface Op permits Append, Remove, RemoveSub, Read, Stop {}

    private record Append(List<Notification> notifications, CompletableFuture<List<Pending>> done) implements Op {}

    private record Remove(Collection<Long> seqs) implements Op {}

    private record RemoveSub(SubscriptionKey key, CompletableFuture<Integer> done) implements Op {}

    private record Read(long after, int limit, CompletableFuture<List<Pending>> done) implements Op {}

    private record Stop(CompletableFuture<Void> done) implements Op {}

    private SqliteNotificationOutbox(Connection c) throws SQLException {
        this.connection = c;
        try (Statement s = c.createStatement()) {
            long max = 0;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM outbox")) {
                rs.next();
                max = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")) {
                if (rs.next()) {
                    max = Math.max(max, rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM outbox")) {
                rs.next();
                size.set(rs.getLong(1));
            }
            nextSeq = max + 1;
        }
        c.commit();
        this.writer = Thread.ofPlatform().name("outbox-writer").daemon().start(this::run);
    }

    /** {@link #open(Path, InstantSource)} with the system clock. */
    public static SqliteNotificationOutbox open(Path dataDir) {
        return open(dataDir, InstantSource.system());
    }

    /**
     * Opens (creating when needed) the outbox in {@code dataDir/subscriptions.db}.
     *
     * @throws TwinException InternalError {@code subscription.open-failed} when it cannot be opened
     */
    public static SqliteNotificationOutbox open(Path dataDir, InstantSource clock) {
        Connection c = null;
        try {
            c = SubscriptionSchema.open(dataDir, clock, "NORMAL");
            return new SqliteNotificationOutbox(c);
        } catch (Exception e) {
            throw Sqlite.openFailed(
                    e, "subscription", "notification outbox", dataDir.resolve(SubscriptionSchema.FILE_NAME), c);
        }
    }

    @Override
    public List<Pending> append(List<Notification> notifications) {
        if (notifications.isEmpty()) {
            return List.of();
        }
        CompletableFuture<List<Pending>> f = new CompletableFuture<>();
        submit(new Append(List.copyOf(notifications), f));
        return await(f);
    }

    @Override
    public List<Pending> read(long afterSeq, int limit) {
        CompletableFuture<List<Pending>> f = new CompletableFuture<>();
        submit(new Read(afterSeq, limit, f));
        return await(f);
    }

    @Override
    public void remove(Collection<Long> seqs) {
        if (!seqs.isEmpty()) {
            submit(new Remove(List.copyOf(seqs)));
        }
    }

    @Override
    public int removeSubscription(SubscriptionKey key) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        submit(new RemoveSub(key, f));
        return await(f);
    }

    @Override
    public long size() {
        checkOpen();
        return size.get();
    }

    /** Commits every queued request, then closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(new Stop(f));
        closed = true;
        try {
            f.get();
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        } finally {
            try {
                connection.close();
            } catch (SQLException e) {
                throw failed(e);
            }
        }
    }

    private void submit(Op op) {
        checkOpen();
        queue.add(op);
    }

    private void checkOpen() {
        if (closed) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "outbox.closed", "The notification outbox is closed");
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TwinException(ErrorType.INTERNAL_ERROR, "outbox.interrupted", "Interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TwinException te) {
                throw te;
            }
            throw failed(e.getCause());
        }
    }

    private static TwinException failed(Throwable e) {
        return new TwinException(ErrorType.INTERNAL_ERROR, "outbox.write-failed", "The notification outbox failed", e);
    }

    private void run() {
        List<Op> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            List<Runnable> completions = new ArrayList<>(batch.size());
            Stop stop = null;
            long seqBefore = nextSeq;
            long sizeDelta = 0;
            try {
                for (Op op : batch) {
                    switch (op) {
                        case Append a -> {
                            List<Pending> out = insert(a.notifications());
                            completions.add(() -> a.done().complete(out));
                            sizeDelta += out.size();
                        }
                        case Remove r -> sizeDelta -= delete(r.seqs());
                        case RemoveSub r -> {
                            int n = deleteSubscription(r.key());
                            sizeDelta -= n;
                            completions.add(() -> r.done().complete(n));
                        }
                        case Read r -> {
                            List<Pending> out = select(r.after(), r.limit());
                            completions.add(() -> r.done().complete(out));
                        }
                        case Stop s -> stop = s;
                    }
                }
                connection.commit();
                size.addAndGet(sizeDelta);
                completions.forEach(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                nextSeq = seqBefore;
                try {
                    connection.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                for (Op op : batch) {
                    switch (op) {
                        case Append a -> a.done().completeExceptionally(e);
                        case RemoveSub r -> r.done().completeExceptionally(e);
                        case Read r -> r.done().completeExceptionally(e);
                        case Stop s -> stop = s;
                        case Remove r -> {}
                    }
                }
            }
            batch.clear();
            if (stop != null) {
                stop.done().complete(null);
                return;
            }
        }
    }

    private List<Pending> insert(List<Notification> notifications) throws SQLException {
        List<Pending> out = new ArrayList<>(notifications.size());
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO outbox"
                + " (seq, tenant, subscription, endpoint, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Notification n : notifications) {
                long seq = nextSeq++;
                p.setLong(1, seq);
                p.setString(2, n.tenant().value());
                p.setString(3, n.subscriptionId().value());
                p.setString(4, n.endpoint());
                p.setString(5, SubscriptionCodec.writeHeaders(n.headers()));
                p.setBytes(6, n.body());
                p.setString(7, n.createdAt().toString());
                p.addBatch();
                out.add(new Pending(seq, n));
            }
            p.executeBatch();
        }
        return out;
    }

    private int delete(Collection<Long> seqs) throws SQLException {
        int n = 0;
        try (PreparedStatement p = connection.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
            for (long seq : seqs) {
                p.setLong(1, seq);
                n += p.executeUpdate();
            }
        }
        return n;
    }

    private int deleteSubscription(SubscriptionKey key) throws SQLException {
        try (PreparedStatement p =
                connection.prepareStatement("DELETE FROM outbox WHERE tenant = ? AND subscription = ?")) {
            p.setString(1, key.tenant().value());
            p.setString(2, key.id().value());
            return p.executeUpdate();
        }
    }

    private List<Pending> select(long after, int limit) throws SQLException {
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT seq, tenant, subscription, endpoint, headers,"
                + " body, created_at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?")) {
            p.setLong(1, after);
            p.setInt(2, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(
                            rs.getLong(1),
                            new Notification(
                                    new TenantId(rs.getString(2)),
                                    SubscriptionId.of(rs.getString(3)),
                                    rs.getString(4),
                                    SubscriptionCodec.readHeaders(rs.getString(5)),
                                    rs.getBytes(6),
                                    Instant.parse(rs.getString(7)))));
                }
            }
        }
        return out;
    }
}
