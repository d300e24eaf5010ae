package io.citytwin.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * CHECKPOINTS
 *
 * SQLite's automatic checkpoint runs on the committing connection: every ~1000 WAL pages the writer would stop to
 * copy pages into the database file and fsync it, stalling every waiting request (seen as 100-200 ms latency spikes
 * and a server idling at 1.2 of 2 cores). So the write connection has wal_autocheckpoint off, and a checkpointer
 * thread with its own connection runs PASSIVE checkpoints every INTERVAL_MS: they copy what they can without ever
 * blocking the writer. The WAL restarts from its beginning once a checkpoint has caught up. Should the writer
 * outrun it for long (WAL above WAL_LIMIT_FRAMES), the writer itself runs a blocking RESTART checkpoint, so the WAL
 * file stays bounded.
 *
 * Reference: https://sqlite.org/wal.html#automatic_checkpoint and https://sqlite.org/pragma.html#pragma_wal_checkpoint
 */
/**
 * Checkpoints the WAL of one database in the background, so that its single writer never stalls on an automatic
 * checkpoint, and bounds the WAL when the background falls behind.
 *
 * <p>Thread-safe: {@link #checkpointIfWalTooLarge()} is called by the writer thread, {@link #close()} by anyone.
 */
public final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);

    /** Milliseconds between background checkpoints. */
    public static final long INTERVAL_MS = 250;
    /** WAL frames (pages) beyond which the writer checkpoints itself: 32,768 pages of 8 KiB = 256 MiB. */
    public static final long WAL_LIMIT_FRAMES = 32_768;

    private final Path file;
    private final Connection writeConnection;
    private final Connection checkpointConnection;
    private final Thread thread;
    /** WAL frames after the last checkpoint; read by the writer to bound the WAL. */
    private volatile long walFrames;

    private volatile boolean stop;
    private boolean closed; // guarded by this

    private WalCheckpointer(Path file, Connection writeConnection, Connection checkpointConnection, String name) {
        this.file = file;
        this.writeConnection = writeConnection;
        this.checkpointConnection = checkpointConnection;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /**
     * Turns automatic checkpoints off on {@code writeConnection} and starts a daemon thread named {@code threadName}
     * that checkpoints {@code file} through {@code checkpointConnection}, which the checkpointer owns from now on
     * (closed by {@link #close()}, or here when this fails).
     *
     * @throws SQLException when the automatic checkpoints cannot be turned off
     */
    public static WalCheckpointer start(
            Path file, Connection writeConnection, Connection checkpointConnection, String threadName)
            throws SQLException {
        try (Statement s = writeConnection.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = 0");
        } catch (SQLException e) {
            try {
                checkpointConnection.close();
            } catch (SQLException ce) {
                e.addSuppressed(ce);
            }
            throw e;
        }
        WalCheckpointer c = new WalCheckpointer(file, writeConnection, checkpointConnection, threadName);
        c.thread.start();
        return c;
    }

    private void run() {
        while (!stop) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            try (Statement s = checkpointConnection.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                if (rs.next()) {
                    walFrames = rs.getLong(2);
                }
            } catch (SQLException e) {
                if (!stop) {
                    LOG.warn("Background checkpoint of {} failed; retrying", file, e);
                }
            }
        }
    }

    /**
     * Runs a blocking RESTART checkpoint on the write connection when the WAL exceeds {@link #WAL_LIMIT_FRAMES},
     * i.e. when the background checkpoints fall behind. To be called by the writer thread between transactions; a
     * failure is logged, not thrown (the data is safe in the WAL).
     */
    public void checkpointIfWalTooLarge() {
        if (walFrames <= WAL_LIMIT_FRAMES) {
            return;
        }
        try (Statement s = writeConnection.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(RESTART)")) {
            walFrames = rs.next() ? rs.getLong(2) : 0;
        } catch (SQLException e) {
            LOG.warn("Checkpoint of {} failed", file, e);
        }
    }

    /**
     * Stops the background thread (waiting up to 5 s for it) and closes the checkpoint connection; the write
     * connection stays open. Idempotent. When interrupted while waiting, finishes and keeps the interrupt status.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop = true;
        thread.interrupt();
        boolean interrupted = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            checkpointConnection.close();
        } catch (SQLException e) {
            LOG.warn("Cannot close the checkpoint connection of {}", file, e);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
