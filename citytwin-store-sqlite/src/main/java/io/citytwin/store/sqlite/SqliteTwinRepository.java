package io.citytwin.store.sqlite;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.EventJournal;
import io.citytwin.event.EventLog;
import io.citytwin.event.InProcessEventLog;
import io.citytwin.sqlite.Sqlite;
import io.citytwin.sqlite.WalCheckpointer;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Mutation;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.TwinRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * GROUP COMMIT (the write path)
 *
 * SQLite allows one writer at a time and a commit costs a WAL append (and an fsync with synchronous=FULL), so
 * committing each write on its own caps throughput at one commit latency per write. Instead:
 *
 *   1. write(mutations) encodes every Put on the caller's thread (so that encoding runs in parallel and the writer
 *      only does SQL; an entity that cannot be encoded fails that call alone), then appends a Request (mutations,
 *      documents, a fresh future) to an unbounded FIFO queue and returns; the queue order is the order of the write
 *      calls, which is the order of application.
 *   2. One writer thread owns the write connection. It blocks for the first Request, then drains whatever else is
 *      pending, up to maxBatchMutations (a larger single Request still goes alone), so batches grow with load:
 *      one write when idle, thousands under load, and the cost of a commit is shared by all of them.
 *   3. In ONE transaction it inserts tenants not yet known, then APPENDS one row per change to the changelog table
 *      (see LOG FOLDING and THE JOURNAL) with the next sequence number, and the consumers' commits that changed,
 *      and commits. A Request is never split across transactions, so each write() is atomic with respect to a crash.
 *   4. After the commit it appends the batch's events to the event log, in sequence order, so that offsets on the
 *      log are the sequence numbers of the journal.
 *   5. Only after the commit returned does it complete the futures, in queue order. With WAL and
 *      synchronous=NORMAL a returned commit is in the WAL file, i.e. in the OS page cache: it survives a kill of
 *      the process (not a power loss; that needs synchronous=FULL, see SqliteOptions.Synchronous).
 *   6. When the transaction fails it is rolled back, every future of the batch fails with store.write-failed and
 *      the writer carries on with the next batch (a full disk may free up; callers see the failure and retry).
 *
 * The queue is unbounded on purpose (a blocked write() would pin virtual threads and stall ingest threads): callers
 * that must not outrun the disk watch pendingWrites(), exported as a metric, and shed load themselves.
 *
 * References: SQLite write-ahead logging and its durability per synchronous level, https://sqlite.org/wal.html and
 * https://sqlite.org/pragma.html#pragma_synchronous; group commit as in DeWitt et al., "Implementation techniques
 * for main memory database systems" (SIGMOD 1984).
 *
 * LOG FOLDING
 *
 * Updating the entities table in place costs a whole B-tree page per change: random ids land on random leaf pages,
 * and every dirty page (8 KiB) goes to the WAL, so a 500-byte update wrote ~9 KiB and a city streaming updates was
 * bound by write bandwidth, not CPU (measured: 16k updates/s with the server at 1.2 of 2 cores). Commits therefore
 * append to `changelog` (rowid order: consecutive rows share pages, ~600 bytes per change), and the writer folds the
 * oldest log rows into `entities` in chunks of FOLD_CHUNK rows: the last row per (tenant, id) is upserted or
 * deleted and the fold mark advanced, in one transaction (rows are deleted later, see THE JOURNAL). Folding a prefix in seq order
 * preserves the state (snapshot + remaining suffix), so it can stop anywhere and a crash mid-fold loses nothing.
 * A chunk of many changes dirties each leaf page once, and repeated updates of one entity collapse into one write.
 * The writer folds a chunk after a commit once the backlog exceeds FOLD_THRESHOLD rows, and whenever it is idle;
 * open(), load() and close() fold everything, so the startup scan reads entities alone, in (tenant, id) order.
 *
 * This is the classic log-structured trade (O'Neil et al., "The Log-Structured Merge-Tree", Acta Informatica 1996):
 * sequential writes on the commit path, batched random writes in the background.
 *
 * THE JOURNAL
 *
 * The change log is also the journal of the event log (io.citytwin.event.EventJournal): each row carries the event of
 * its change (kind, time, changed attributes; the entity after the change is the row's document), and the row's seq
 * is the event's offset. Folding and releasing are separate: fold marks how far rows were applied to `entities`
 * (`journal.folded`), and rows are deleted only up to the lowest offset that every consumer committed
 * (`consumers` table; a consumer commits once its own output is durable), and never beyond the fold mark. A consumer
 * that restarts after a crash resumes at its commit and reads the rows it had not processed (at-least-once). To bound
 * the disk, at most journalRetention rows are kept however far a consumer lags; one that falls further behind is told
 * it overran. Sequence numbers are assigned here, not by SQLite (which reuses rowids once the table is empty), and
 * survive restarts through `journal.truncated`: offsets are never reused.
 *
 * CHECKPOINTS: the write connection never checkpoints automatically; see io.citytwin.sqlite.WalCheckpointer.
 *
 * close() enqueues a poison Request under the same lock that write() uses to check `closed`, so nothing can be
 * queued behind it; the writer finishes everything before it, then close() checkpoints the WAL into the database
 * (TRUNCATE) and closes both connections.
 *
 * LOAD (startup) uses a second connection: in WAL mode a reader sees the last committed snapshot and never blocks
 * the writer. Entities are stored as EntityCodec documents in a WITHOUT ROWID table keyed by (tenant, id), so a
 * full scan returns them tenant by tenant without sorting. Decoding costs several times the scan, so the calling
 * thread only scans, cutting the rows into chunks that decoder threads (one per spare core) decode in parallel;
 * the calling thread then hands the decoded chunks to the sink in scan order, keeping a bounded number of chunks in
 * flight so memory stays flat however large the city is.
 */
/**
 * The durable store of the twin in one SQLite database file, {@code <dataDir>/twin.db}, in WAL mode, with group
 * commit: concurrent {@link #write} calls are committed together by one writer thread.
 *
 * <p>Durability: a write's future completes only after its transaction committed. With the default {@link
 * SqliteOptions.Synchronous#NORMAL} committed writes survive a crash or {@code kill -9} of the process; choose
 * {@link SqliteOptions.Synchronous#FULL} to survive a power loss too.
 *
 * <p>Futures are completed on the writer thread, in order: attach heavy continuations with the {@code ...Async}
 * methods of {@link CompletableFuture} so that they do not slow down the writer.
 *
 * <p>Thread-safe: any number of threads may write; {@link #load} may run while writes go on (it sees a snapshot).
 */
public final class SqliteTwinRepository implements TwinRepository {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteTwinRepository.class);

    /** The file name of the database inside the data directory. */
    public static final String FILE_NAME = "twin.db";

    /** Log rows beyond which the writer folds a chunk after every commit. */
    static final int FOLD_THRESHOLD = 50_000;
    /** Log rows folded per transaction. */
    static final int FOLD_CHUNK = 20_000;
    /**
     * Journal rows per JDBC batch. sqlite-jdbc keeps a statement's batch parameters in an array that only grows and
     * that every executeBatch nulls whole (JDBC3Statement.clearBatch, 3.54): after one commit of thousands of rows
     * (a start-up backlog) every later commit paid for the whole array, a quarter of the writer's Java samples at
     * 3,000 changes/s. Batches of at most this many rows keep that array small.
     */
    static final int JDBC_BATCH_ROWS = 256;
    /** How long the writer waits for work before an idle round (fold a chunk, store consumer commits). */
    static final long IDLE_ROUND_MS = 100;

    private static final String APPEND = "INSERT INTO changelog (seq, tenant, id, doc, event) VALUES (?, ?, ?, ?, ?)";
    private static final String SET_MARK =
            "INSERT INTO journal (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    private static final String SET_CONSUMER = "INSERT INTO consumers (name, position, committed_at) VALUES (?, ?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET position = excluded.position, committed_at = excluded.committed_at";
    private static final String UPSERT = "INSERT INTO entities (tenant, id, doc) VALUES (?, ?, ?)"
            + " ON CONFLICT (tenant, id) DO UPDATE SET doc = excluded.doc";
    private static final String DELETE = "DELETE FROM entities WHERE tenant = ? AND id = ?";
    private static final String INSERT_TENANT =
            "INSERT INTO tenants (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING";

    private static final Request POISON =
            new Request(List.of(), List.of(), List.of(), List.of(), new CompletableFuture<>(), false);
    private static final int LOAD_CHUNK = 1_024;

    private final Path file;
    private final SqliteOptions options;
    private final Connection writeConnection;
    private final Connection readConnection;
    private final PreparedStatement append;
    private final PreparedStatement upsert;
    private final PreparedStatement delete;
    private final PreparedStatement insertTenant;
    private final PreparedStatement setMark;
    private final PreparedStatement setConsumer;
    private final InProcessEventLog log;
    private final Journal journal = new Journal();
    /** Consumers' commits as told; persisted by the writer in its next transaction. */
    private final ConcurrentHashMap<String, Long> consumerCommits = new ConcurrentHashMap<>();
    /** Consumers to delete from the consumers table in the writer's next transaction. */
    private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
    /** Consumers deleted in the writer's current transaction; dropped from {@code forgotten} once it commits. */
    private final HashSet<String> deleted = new HashSet<>();
    /** Consumers' commits as stored; writer thread only. */
    private final HashMap<String, Long> storedCommits = new HashMap<>();
    /** The sequence number of the next change; writer thread only (and the constructor). */
    private long nextSeq;
    /** Every row up to this seq is folded into entities. */
    private volatile long foldedTo;
    /** Every row up to this seq is deleted from the journal. */
    private volatile long truncatedTo;

    private final Set<TenantId> tenants = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Object enqueueLock = new Object();
    private final Thread writer;
    private final WalCheckpointer checkpointer;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong mutationsWritten = new AtomicLong();
    private volatile int lastBatchSize;
    /** Rows in the change log not yet folded into entities; written by the writer thread only (and open/close). */
    private final AtomicLong logBacklog = new AtomicLong();

    private boolean closed; // guarded by enqueueLock
    private boolean shutDown; // guarded by this
    private boolean readClosed; // guarded by readConnection

    /**
     * Mutations of one write call, the encoded document of each Put (null for a Remove), each mutation's event and
     * its encoded form; or, with {@code fold}, a request to fold the whole change log into the entities table.
     */
    private record Request(
            List<Mutation> mutations,
            List<byte @Nullable []> docs,
            List<ChangeEvent> events,
            List<byte[]> eventDocs,
            CompletableFuture<Void> future,
            boolean fold) {}

    /** Rows of one load chunk: tenant names, ids and documents, {@code size} of each used. */
    private record Chunk(String[] tenants, String[] ids, byte[][] docs, int size) {}

    /** A chunk being decoded. */
    private record Pending(Chunk chunk, Future<Entity[]> future) {}

    private record Key(String tenant, String id) {}

    private SqliteTwinRepository(Path file, SqliteOptions options, Connection writeConnection, Connection read)
            throws SQLException {
        this.file = file;
        this.options = options;
        this.writeConnection = writeConnection;
        this.readConnection = read;
        this.append = writeConnection.prepareStatement(APPEND);
        this.upsert = writeConnection.prepareStatement(UPSERT);
        this.delete = writeConnection.prepareStatement(DELETE);
        this.insertTenant = writeConnection.prepareStatement(INSERT_TENANT);
        this.setMark = writeConnection.prepareStatement(SET_MARK);
        this.setConsumer = writeConnection.prepareStatement(SET_CONSUMER);
        try (Statement s = read.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM tenants")) {
            while (rs.next()) {
                tenants.add(new TenantId(rs.getString(1)));
            }
        }
        long maxSeq = 0;
        try (Statement s = read.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT key, value FROM journal")) {
                while (rs.next()) {
                    switch (rs.getString(1)) {
                        case "folded" -> foldedTo = rs.getLong(2);
                        case "truncated" -> truncatedTo = rs.getLong(2);
                        default -> LOG.warn("Unknown journal mark '{}' in {}", rs.getString(1), file);
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT name, position FROM consumers")) {
                while (rs.next()) {
                    consumerCommits.put(rs.getString(1), rs.getLong(2));
                    storedCommits.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM changelog")) {
                maxSeq = rs.next() ? rs.getLong(1) : 0;
            }
        }
        read.commit();
        // rows of a store written before the journal existed carry rowids from 1 and no fold mark: fold them all
        this.nextSeq = Math.max(maxSeq, Math.max(foldedTo, truncatedTo)) + 1;
        logBacklog.set(Math.max(0, nextSeq - 1 - foldedTo));
        this.log =
                new InProcessEventLog(1 << 17, (name, e) -> LOG.error("Event consumer '{}' failed", name, e), journal);
        foldAll(); // a crash may have left log rows: fold them so that load() scans the entities table alone
        this.checkpointer = WalCheckpointer.start(
                file, writeConnection, connect(file, options), "citytwin-sqlite-checkpoint"); // see CHECKPOINTS
        this.writer = new Thread(this::runWriter, "citytwin-sqlite-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens (creating when needed) the store in {@code dataDir/twin.db}, migrating its schema to the current
     * version.
     *
     * @throws TwinException InternalError {@code store.open-failed} when the directory or database cannot be opened,
     *     {@code store.schema-too-new} when a newer CityTwin wrote it
     */
    public static SqliteTwinRepository open(Path dataDir, SqliteOptions options) {
        Path file = dataDir.resolve(FILE_NAME);
        Connection write = null;
        Connection read = null;
        try {
            Files.createDirectories(dataDir);
            write = connect(file, options);
            write.setAutoCommit(false);
            Schema.migrate(write, options.clock());
            read = connect(file, options);
            read.setAutoCommit(false);
            return new SqliteTwinRepository(file, options, write, read);
        } catch (SQLException | IOException | RuntimeException e) {
            throw Sqlite.openFailed(e, "store", "twin store", file, read, write);
        }
    }

    private static Connection connect(Path file, SqliteOptions options) throws SQLException {
        return Sqlite.connect(file, options.synchronous().name(), 65_536); // 64 MiB per connection
    }

    /**
     * {@inheritDoc}
     *
     * <p>After {@link #close()} the future fails with {@code store.closed}; when the transaction fails, with
     * InternalError {@code store.write-failed}.
     */
    @Override
    public CompletableFuture<Void> write(List<Mutation> mutations) {
        List<Mutation> copy = List.copyOf(mutations);
        List<byte @Nullable []> docs;
        List<ChangeEvent> events = new ArrayList<>(copy.size());
        List<byte[]> eventDocs = new ArrayList<>(copy.size());
        try {
            docs = encode(copy);
            EventCodec eventCodec = new EventCodec();
            java.time.Instant now = options.clock().instant();
            for (Mutation m : copy) {
                ChangeEvent e = m.eventOr(now);
                events.add(e);
                eventDocs.add(eventCodec.encode(e));
            }
        } catch (RuntimeException e) {
            LOG.error("Cannot encode an entity for the twin store", e);
            return CompletableFuture.failedFuture(writeFailed(e));
        }
        Request r = new Request(copy, docs, events, eventDocs, new CompletableFuture<>(), false);
        synchronized (enqueueLock) {
            if (closed) {
                return CompletableFuture.failedFuture(
                        new TwinException(ErrorType.INTERNAL_ERROR, "store.closed", "The twin store is closed"));
            }
            pending.addAndGet(r.mutations.size());
            queue.add(r);
        }
        return r.future;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads a snapshot of the last commit, ordered by tenant and id. The sink is called on the calling thread, in
     * that order; decoding runs on up to {@code availableProcessors - 1} helper threads (see LOAD above).
     *
     * @throws TwinException InternalError {@code store.read-failed}, {@code store.corrupt-entity}, {@code
     *     store.closed}
     */
    @Override
    public void load(BiConsumer<TenantId, Entity> sink) {
        Request fold = new Request(List.of(), List.of(), List.of(), List.of(), new CompletableFuture<>(), true);
        synchronized (enqueueLock) {
            if (!closed) {
                queue.add(fold);
            } else {
                fold.future.complete(null);
            }
        }
        try {
            fold.future.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof TwinException te ? te : writeFailed(new SQLException(e.getCause()));
        }
        synchronized (readConnection) {
            if (readClosed) {
                throw new TwinException(ErrorType.INTERNAL_ERROR, "store.closed", "The twin store is closed");
            }
            loadLocked(sink);
        }
    }

    private void loadLocked(BiConsumer<TenantId, Entity> sink) {
        int decoders = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        ExecutorService pool = Executors.newFixedThreadPool(decoders, r -> {
            Thread t = new Thread(r, "citytwin-sqlite-load");
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<EntityCodec> codecs = ThreadLocal.withInitial(() -> new EntityCodec(true));
        ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        int maxInFlight = 4 * decoders;
        Deliverer deliverer = new Deliverer(sink);
        try (Statement s = readConnection.createStatement();
                ResultSet rs = s.executeQuery("SELECT tenant, id, doc FROM entities ORDER BY tenant, id")) {
            boolean more = true;
            while (more) {
                String[] tenantNames = new String[LOAD_CHUNK];
                String[] ids = new String[LOAD_CHUNK];
                byte[][] docs = new byte[LOAD_CHUNK][];
                int n = 0;
                while (n < LOAD_CHUNK && (more = rs.next())) {
                    tenantNames[n] = rs.getString(1);
                    ids[n] = rs.getString(2);
                    docs[n] = rs.getBytes(3);
                    n++;
                }
                if (n > 0) {
                    Chunk chunk = new Chunk(tenantNames, ids, docs, n);
                    if (inFlight.size() >= maxInFlight) {
                        deliverer.deliver(inFlight.remove());
                    }
                    inFlight.add(new Pending(chunk, pool.submit(() -> decode(codecs.get(), chunk))));
                }
            }
            while (!inFlight.isEmpty()) {
                deliverer.deliver(inFlight.remove());
            }
        } catch (SQLException e) {
            LOG.error("Cannot read the twin store {}", file, e);
            throw new TwinException(ErrorType.INTERNAL_ERROR, "store.read-failed", "Cannot read the twin store", e);
        } finally {
            for (Pending p : inFlight) {
                p.future.cancel(true);
            }
            pool.shutdownNow();
            try {
                readConnection.commit(); // ends the read transaction so that the WAL can be checkpointed
            } catch (SQLException e) {
                LOG.warn("Cannot end the read transaction on {}", file, e);
            }
        }
    }

    /** Hands decoded chunks to the sink in scan order, turning tenant names into ids once per run of a tenant. */
    private static final class Deliverer {
        private final BiConsumer<TenantId, Entity> sink;
        private String tenantName = "";
        private TenantId tenant = TenantId.DEFAULT;

        Deliverer(BiConsumer<TenantId, Entity> sink) {
            this.sink = sink;
        }

        void deliver(Pending p) {
            Entity[] entities = decoded(p.future);
            for (int i = 0; i < entities.length; i++) {
                String t = p.chunk.tenants[i];
                if (!t.equals(tenantName)) {
                    tenantName = t;
                    tenant = new TenantId(t);
                }
                sink.accept(tenant, entities[i]);
            }
        }
    }

    private static Entity[] decode(EntityCodec codec, Chunk c) {
        Entity[] out = new Entity[c.size];
        for (int i = 0; i < c.size; i++) {
            out[i] = codec.decode(new EntityId(c.ids[i]), c.docs[i]);
            c.docs[i] = null; // let the bytes go as soon as they are decoded
        }
        return out;
    }

    private static Entity[] decoded(Future<Entity[]> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TwinException te) {
                throw te;
            }
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "store.read-failed", "Cannot read the twin store", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "store.read-interrupted", "Loading the twin store was interrupted", e);
        }
    }

    @Override
    public Set<TenantId> tenants() {
        return Set.copyOf(tenants);
    }

    /** Mutations handed to {@link #write} and not yet committed (or failed): the depth of the queue. */
    public long pendingWrites() {
        return pending.get();
    }

    /** Transactions committed since open. */
    public long commits() {
        return commits.get();
    }

    /** Mutations committed since open (each one handed to {@link #write}, before collapsing repeats). */
    public long mutationsWritten() {
        return mutationsWritten.get();
    }

    /** Mutations in the last committed transaction (before collapsing repeats of an entity). */
    public int lastBatchSize() {
        return lastBatchSize;
    }

    /** The options this store was opened with. */
    public SqliteOptions options() {
        return options;
    }

    /**
     * Commits everything written before this call, checkpoints the WAL into the database file and releases the
     * store. Later writes fail with {@code store.closed}. Idempotent; blocks until done.
     */
    @Override
    public synchronized void close() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        synchronized (enqueueLock) {
            closed = true;
            queue.add(POISON);
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true; // finish closing first: the queue must be flushed
            }
        }
        checkpointer.close();
        log.close();
        journal.close();
        try {
            foldAll(); // a clean shutdown leaves the entities table complete, for a fast next start
        } catch (TwinException e) {
            LOG.warn("Cannot fold the change log of {} on close; the next open will", file, e);
        }
        try (Statement s = writeConnection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            // the data is committed in the WAL; the next open checkpoints it
            LOG.warn("Cannot checkpoint the WAL of {}", file, e);
        }
        synchronized (readConnection) {
            readClosed = true;
            closeQuietly(readConnection);
        }
        closeQuietly(writeConnection);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the writer thread

    private void runWriter() {
        ArrayList<Request> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            Request first;
            try {
                // idle rounds every 100 ms: a consumer's commit is stored within that when no writes carry it, which
                // bounds what a crash makes it see twice
                first = queue.poll(IDLE_ROUND_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // nobody interrupts the writer but close(), which ends it with POISON; keep serving
                continue;
            }
            if (first == null) {
                try {
                    if (logBacklog.get() > 0) {
                        foldChunk(); // idle: catch up with the log
                    } else {
                        maintainJournal(); // idle: store consumers' commits, release what they all processed
                    }
                } catch (TwinException e) {
                    // logged where it failed; the next idle round retries
                }
                continue;
            }
            int mutations = 0;
            for (Request r = first; r != null; r = mutations < options.maxBatchMutations() ? queue.poll() : null) {
                if (r == POISON) {
                    stop = true;
                    break;
                }
                if (r.fold) {
                    if (!batch.isEmpty()) {
                        commit(batch);
                        batch.clear();
                    }
                    try {
                        foldAll();
                        r.future.complete(null);
                    } catch (RuntimeException e) {
                        r.future.completeExceptionally(e);
                    }
                    continue;
                }
                batch.add(r);
                mutations += r.mutations.size();
            }
            if (!batch.isEmpty()) {
                commit(batch);
                batch.clear();
            }
            if (logBacklog.get() > FOLD_THRESHOLD) {
                foldChunk();
            }
            checkpointer.checkpointIfWalTooLarge();
        }
    }

    /** Folds the whole change log into the entities table (open, load). */
    private void foldAll() {
        while (foldChunk() > 0) {
            // next chunk
        }
        maintainJournal();
    }

    /**
     * Folds up to {@link #FOLD_CHUNK} of the oldest unfolded log rows into the entities table in one transaction, then
     * releases the rows every consumer has processed (see LOG FOLDING and THE JOURNAL).
     *
     * @return the number of log rows folded
     */
    private int foldChunk() {
        java.util.LinkedHashMap<Key, byte @Nullable []> last = new java.util.LinkedHashMap<>();
        long maxSeq = -1;
        int rows = 0;
        try {
            try (PreparedStatement q = writeConnection.prepareStatement(
                    "SELECT seq, tenant, id, doc FROM changelog WHERE seq > ? ORDER BY seq LIMIT " + FOLD_CHUNK)) {
                q.setLong(1, foldedTo);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        maxSeq = rs.getLong(1);
                        last.put(new Key(rs.getString(2), rs.getString(3)), rs.getBytes(4));
                        rows++;
                    }
                }
            }
            if (rows == 0) {
                writeConnection.commit();
                logBacklog.set(0);
                return 0;
            }
            for (Map.Entry<Key, byte @Nullable []> e : last.entrySet()) {
                if (e.getValue() != null) {
                    upsert.setString(1, e.getKey().tenant);
                    upsert.setString(2, e.getKey().id);
                    upsert.setBytes(3, e.getValue());
                    upsert.executeUpdate();
                } else {
                    delete.setString(1, e.getKey().tenant);
                    delete.setString(2, e.getKey().id);
                    delete.executeUpdate();
                }
            }
            setMark("folded", maxSeq);
            long truncated = truncate(maxSeq);
            storeCommits();
            writeConnection.commit();
            committedCommits();
            foldedTo = maxSeq;
            truncatedTo = truncated;
            logBacklog.set(Math.max(0, nextSeq - 1 - maxSeq));
            return rows;
        } catch (SQLException e) {
            rollback(e);
            storedCommits.clear(); // unknown what the rollback undid: store them all again
            LOG.error("Cannot fold the change log of {} into its entities", file, e);
            throw writeFailed(e);
        }
    }

    /** Stores changed consumer commits and releases journal rows everyone processed, in one transaction. */
    private void maintainJournal() {
        long truncated = truncatedTo;
        boolean commitsChanged = !consumerCommits.equals(storedCommits) || !forgotten.isEmpty();
        long target = releasable(foldedTo);
        if (!commitsChanged && target <= truncated) {
            return;
        }
        try {
            long t = truncate(foldedTo);
            storeCommits();
            writeConnection.commit();
            committedCommits();
            truncatedTo = t;
        } catch (SQLException e) {
            rollback(e);
            storedCommits.clear();
            LOG.error("Cannot maintain the change journal of {}", file, e);
            throw writeFailed(e);
        }
    }

    /** The highest seq that may be deleted: processed by every consumer (or beyond the retention), and folded. */
    private long releasable(long folded) {
        long lowestCommit = Long.MAX_VALUE;
        for (long c : consumerCommits.values()) {
            lowestCommit = Math.min(lowestCommit, c);
        }
        long upTo = lowestCommit == Long.MAX_VALUE ? folded : Math.min(folded, lowestCommit - 1);
        long beyondRetention = nextSeq - 1 - options.journalRetention();
        return Math.min(folded, Math.max(upTo, beyondRetention));
    }

    /** Deletes the releasable rows (inside the caller's transaction) and returns the new truncation mark. */
    private long truncate(long folded) throws SQLException {
        long upTo = releasable(folded);
        if (upTo <= truncatedTo) {
            return truncatedTo;
        }
        try (PreparedStatement d = writeConnection.prepareStatement("DELETE FROM changelog WHERE seq <= ?")) {
            d.setLong(1, upTo);
            d.executeUpdate();
        }
        setMark("truncated", upTo);
        return upTo;
    }

    private void setMark(String key, long value) throws SQLException {
        setMark.setString(1, key);
        setMark.setLong(2, value);
        setMark.executeUpdate();
    }

    /** Writes the consumer commits that changed since stored (inside the caller's transaction). */
    private void storeCommits() throws SQLException {
        for (String name : forgotten) {
            try (PreparedStatement d = writeConnection.prepareStatement("DELETE FROM consumers WHERE name = ?")) {
                d.setString(1, name);
                d.executeUpdate();
            }
            storedCommits.remove(name);
            deleted.add(name);
        }
        long now = options.clock().millis();
        for (Map.Entry<String, Long> c : consumerCommits.entrySet()) {
            if (!c.getValue().equals(storedCommits.get(c.getKey()))) {
                setConsumer.setString(1, c.getKey());
                setConsumer.setLong(2, c.getValue());
                setConsumer.setLong(3, now);
                setConsumer.executeUpdate();
                storedCommits.put(c.getKey(), c.getValue());
            }
        }
    }

    /** After a commit: the consumers deleted in it are gone for good. */
    private void committedCommits() {
        forgotten.removeAll(deleted);
        deleted.clear();
    }

    private void rollback(Exception e) {
        deleted.clear();
        try {
            writeConnection.rollback();
        } catch (SQLException re) {
            e.addSuppressed(re);
        }
    }

    private void commit(List<Request> batch) {
        HashSet<TenantId> newTenants = new HashSet<>();
        int mutations = 0;
        for (Request r : batch) {
            mutations += r.mutations.size();
            for (Mutation m : r.mutations) {
                if (m instanceof Mutation.Put && !tenants.contains(m.tenant())) {
                    newTenants.add(m.tenant());
                }
            }
        }
        long seq = nextSeq;
        try {
            long now = options.clock().millis();
            for (TenantId t : newTenants) {
                insertTenant.setString(1, t.value());
                insertTenant.setLong(2, now);
                insertTenant.executeUpdate();
            }
            // one row per change, none collapsed: the journal must hand every change to the consumers
            int inBatch = 0;
            for (Request r : batch) {
                for (int i = 0; i < r.docs.size(); i++) {
                    ChangeEvent e = r.events.get(i);
                    append.setLong(1, seq++);
                    append.setString(2, e.tenant().value());
                    append.setString(3, e.entityId().value());
                    append.setBytes(4, r.docs.get(i));
                    append.setBytes(5, r.eventDocs.get(i));
                    append.addBatch();
                    if (++inBatch == JDBC_BATCH_ROWS) {
                        append.executeBatch();
                        inBatch = 0;
                    }
                }
            }
            if (inBatch > 0) {
                append.executeBatch();
            }
            storeCommits();
            writeConnection.commit();
            committedCommits();
        } catch (SQLException | RuntimeException e) {
            rollback(e);
            storedCommits.clear();
            LOG.error("Cannot commit {} twin changes to {}", mutations, file, e);
            for (Request r : batch) {
                fail(r, e);
            }
            return;
        }
        long first = nextSeq;
        nextSeq = seq;
        tenants.addAll(newTenants);
        logBacklog.addAndGet(seq - first);
        commits.incrementAndGet();
        mutationsWritten.addAndGet(mutations);
        lastBatchSize = mutations;
        publish(batch, first);
        for (Request r : batch) {
            pending.addAndGet(-r.mutations.size());
            r.future.complete(null);
        }
    }

    /** Appends the committed batch's events to the log; their offsets are their sequence numbers (see THE JOURNAL). */
    private void publish(List<Request> batch, long firstSeq) {
        List<ChangeEvent> events = new ArrayList<>();
        for (Request r : batch) {
            events.addAll(r.events);
        }
        if (events.isEmpty()) {
            return;
        }
        long last = log.append(events);
        if (last != firstSeq + events.size() - 1) {
            // cannot happen while the writer is the only appender; say so loudly rather than mislabel offsets
            LOG.error("Event log offset {} does not match journal sequence {}", last, firstSeq + events.size() - 1);
        }
    }

    @Override
    public EventLog events() {
        return log;
    }

    /**
     * Drops a consumer's commit, so the journal no longer keeps changes for it (a consumer switched off for good,
     * e.g. the history with {@code history.enabled: false}). If it comes back it starts where it is told to.
     */
    public void forgetConsumer(String name) {
        consumerCommits.remove(name);
        forgotten.add(name);
    }

    /** Changes kept in the journal (folded or not) because a consumer may still need them. */
    public long journalSize() {
        return Math.max(0, log.endOffset() - 1 - truncatedTo);
    }

    /** Changes committed to the log and not yet folded into the entities table. */
    public long logBacklog() {
        return logBacklog.get();
    }

    /** The encoded document of each Put, null for each Remove, in order. */
    private static List<byte @Nullable []> encode(List<Mutation> mutations) {
        EntityCodec writeCodec = new EntityCodec(false);
        ArrayList<byte @Nullable []> docs = new ArrayList<>(mutations.size());
        for (Mutation m : mutations) {
            docs.add(
                    switch (m) {
                        case Mutation.Put p -> writeCodec.encode(p.entity());
                        case Mutation.Remove rm -> null;
                    });
        }
        return docs;
    }

    private void fail(Request r, Exception cause) {
        pending.addAndGet(-r.mutations.size());
        r.future.completeExceptionally(writeFailed(cause));
    }

    private static TwinException writeFailed(Exception cause) {
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "store.write-failed", "The twin changes could not be stored", cause);
    }

    /**
     * The {@link EventJournal} over the change log: reads rows on a connection of its own (a WAL reader never blocks
     * the writer) and keeps the consumers' commits for the writer to store.
     */
    private final class Journal implements EventJournal {
        private @Nullable Connection connection; // guarded by this
        private @Nullable PreparedStatement select; // guarded by this
        private final EntityCodec entities = new EntityCodec(false); // guarded by this
        private final EventCodec events = new EventCodec(); // guarded by this
        private boolean closed; // guarded by this

        @Override
        public long endOffset() {
            return nextSeq; // read before the writer starts (the log is built in the constructor)
        }

        @Override
        public synchronized Batch read(long fromOffset, int max) {
            if (closed) {
                throw new TwinException(ErrorType.INTERNAL_ERROR, "store.closed", "The twin store is closed");
            }
            long from = Math.max(fromOffset, truncatedTo + 1);
            List<ChangeEvent> out = new ArrayList<>(Math.min(max, 1024));
            long first = -1;
            try {
                if (select == null) {
                    Connection c = connect(file, options);
                    c.setAutoCommit(false);
                    connection = c;
                    select = c.prepareStatement(
                            "SELECT seq, tenant, id, doc, event FROM changelog WHERE seq >= ? ORDER BY seq LIMIT ?");
                }
                select.setLong(1, from);
                select.setInt(2, max);
                java.time.Instant now = options.clock().instant();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        if (first < 0) {
                            first = seq;
                        } else if (seq != first + out.size()) {
                            break; // a gap cannot happen (rows are deleted from the oldest); never skip silently
                        }
                        TenantId tenant = new TenantId(rs.getString(2));
                        EntityId id = new EntityId(rs.getString(3));
                        byte[] doc = rs.getBytes(4);
                        Entity current = doc == null ? null : entities.decode(id, doc);
                        out.add(events.decode(tenant, id, current, rs.getBytes(5), now));
                    }
                }
                Objects.requireNonNull(connection).commit(); // end the read transaction: let checkpoints proceed
            } catch (SQLException e) {
                LOG.error("Cannot read the change journal of {}", file, e);
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR, "store.read-failed", "Cannot read the change journal", e);
            }
            return new Batch(first < 0 ? from : first, out);
        }

        @Override
        public OptionalLong committed(String name) {
            Long c = consumerCommits.get(name);
            return c == null ? OptionalLong.empty() : OptionalLong.of(c);
        }

        @Override
        public void commit(String name, long offset) {
            consumerCommits.merge(name, offset, Math::max);
        }

        synchronized void close() {
            closed = true;
            if (connection != null) {
                closeQuietly(connection);
                connection = null;
                select = null;
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("Cannot close a connection of the twin store", e);
        }
    }
}
