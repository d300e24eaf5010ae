package io.citytwin.history.sqlite;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryEntity;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.sqlite.Sqlite;
import io.citytwin.sqlite.WalCheckpointer;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * GROUP COMMIT (the write path), as in the twin store (SqliteTwinRepository):
 *
 *   1. append(records) encodes every record to its entry bytes on the caller's thread (parallel, and a record that
 *      cannot be encoded fails that call alone), then queues (records, entries, future) FIFO and returns.
 *   2. One writer thread owns the write connection: it blocks for the first request, drains whatever else is
 *      pending up to maxBatchRecords (a larger single request still goes alone), and writes the whole batch in ONE
 *      transaction, so the cost of a commit is shared by every append waiting for it.
 *   3. Only after the commit returned does it complete the futures. With WAL and synchronous=NORMAL a committed
 *      transaction survives a kill of the process; FULL adds an fsync per commit for power loss.
 *   4. A failed transaction is rolled back and fails every future of its batch with history.write-failed; the
 *      writer carries on.
 *
 * COMMIT DELAY (options.commitDelay, zero by default). A commit writes every page it dirtied to the WAL, and a commit
 * of records of many series dirties most leaves of fresh's (series, t) index however few records it holds (see FRESH
 * ROWS): at 30,000 records/s in commits of a few hundred records that is the whole small index, again and again. With
 * a delay the writer, having taken the first append of a batch, keeps taking appends as they arrive until the delay
 * since that first one has passed (or maxBatchRecords are in, or a task or close() comes), so each commit writes that
 * index once for the records of the whole delay. Appends wait up to the delay longer for their futures, which is why
 * it is for callers whose records are durable elsewhere until then: the node's history writer, whose events stay in
 * the twin store's journal until the history committed them.
 *
 * CHUNKED SERIES
 *
 * The target read is "a month of one-minute data of one attribute" (43,200 points) in well under 50 ms, while the
 * ingest is 100,000+ records/s spread over 10,000+ series. Both at once rule out one row per record in a table
 * keyed by (series, time): ingest would dirty a random B-tree leaf per record, and a month read would touch 43,200
 * rows. So, in the spirit of time-series stores (Gorilla, Pelkonen et al., VLDB 2015; TimescaleDB's compressed
 * chunks), the history lives in three tables:
 *
 *   series (id INTEGER PRIMARY KEY, tenant, entity, attribute, dataset, entity_type, UNIQUE (...))
 *            one row per series, created on its first append; dataset '' is the default instance; entity_type is
 *            the type of the last append, used by retention per type
 *   fresh  (seq INTEGER PRIMARY KEY, series, t, data) + INDEX (series, t)
 *            where commits write: a small table (see FRESH ROWS); t is the time axis in epoch ms (floored) for the
 *            index, data one encoded entry (see RecordCodec), seq the append order across fresh and recent
 *   warm   (seq INTEGER PRIMARY KEY, series, t, data) + INDEX (series, t)
 *            fresh rows gather here before recent takes them (see WARM ROWS)
 *   recent (seq INTEGER PRIMARY KEY, series, t, data) + INDEX (series, t)
 *            the open day of every series (and late rows not packed yet), moved here from fresh in bulk
 *   chunks (series, start, end, count, data, PRIMARY KEY (series, start)) WITHOUT ROWID
 *            ONE CHUNK PER SERIES PER UTC DAY: start = the day's first ms, end = the last entry's ms, data = the
 *            day's entries in time order, time-delta encoded (1440 one-minute points ~ 15-20 KB for numbers)
 *
 * FRESH ROWS. A row's (series, t) index entry goes to the leaf of its series, so a commit of records of 10,000
 * series dirties (and writes to the WAL) up to 10,000 index leaves, however few rows each gets: with the open day
 * of 10,000 series in one index, that is the whole index, tens of MB per commit, and it grows through the day
 * (measured: 8-13 commits of 10,000 records/s with the index, ~21/s without it). So commits write into `fresh`,
 * whose index holds at most freshRows entries (a few hundred leaves), and once fresh holds freshRows rows (or the
 * writer is idle, or before packing, instance operations and retention, which then only see recent) the writer
 * moves them all onwards (into warm, see WARM ROWS) in one transaction: the large index is then written once per
 * freshRows rows instead of once per commit. Reads take the union of the tables (each through its index) in one
 * snapshot.
 *
 * SETTLING IN INDEX ORDER. A move inserts the rows in (series, t) order, not in append order: recent's index
 * outgrows the page cache during the day (a day of 10,000 one-minute series is ~14 M entries), and inserts in append
 * order visit its leaves at random, each a cache miss and an evicted dirty page (profiled: the move was ~70 % of the
 * writer's time, and ingest fell from ~140,000 to ~70,000 records/s through the day). In index order every leaf is
 * visited once, in order. The moved rows are renumbered in that same order with the seqs of the source table (its
 * lowest seq upwards; the target's are all lower, later rows all higher), so the table is appended at its end too.
 * What seq must keep still holds: within a series rows of one time keep their append order (the sort's last key),
 * and every moved row stays above every row already in the target.
 *
 * WARM ROWS. Even in index order, a move into recent writes every leaf of recent's index that gets a row, which with
 * rows of every series is the whole index: its cost grows with the open day (tens of MB per move late in a day of
 * 10,000 series). So fresh moves into warm, a middle level whose index holds at most warmRows entries (default
 * 1,000,000, ~10 times freshRows), and warm moves into recent once it holds warmRows: recent's whole index is written
 * once per warmRows rows instead of once per freshRows rows, for the price of writing warm's smaller index on each
 * fresh move (the two-level merge of a log-structured merge tree, O'Neil et al. 1996, with SQLite B-trees as the
 * levels). Reads take the union of the three tables. Packing, instance operations and retention first move
 * everything into recent (settleAll) and then see recent only.
 *
 * We chose a chunk per UTC day rather than per N points because the bounds of a chunk then follow from a time
 * alone: a range read, retention and late data find their chunks by primary-key arithmetic, and a month read is
 * 30-31 sequential primary-key rows.
 *
 * PACKING (the compactor, on the writer thread, like the twin store's log folding): a day of a series is packed
 * once it is CLOSED in data time, i.e. the series has received a record of a later day (maxDay, kept per series
 * in memory). Packing the open day would rewrite a growing chunk on every round (quadratic write amplification);
 * waiting for its close writes each chunk once. The writer counts packable rows; after a commit, once they exceed
 * compactThreshold, and whenever idle, it packs a round: for each dirty series (one with packable rows) the rows
 * below its maxDay are read through the (series, t) index, grouped by day, merged into that day's chunk, and
 * deleted from recent, all in ONE transaction, so a crash mid-round loses nothing and duplicates nothing. close()
 * packs everything packable. The open day of each series stays in `recent` and is read through its index.
 *
 * LATE DATA (a record for a day that is already packed): it lands in `recent` like any other, is packable at once
 * (its day is below maxDay), and the next round READ-MODIFY-WRITES that day's chunk: decode the chunk's entries,
 * merge (stable: a chunk's entries were appended before any row still in recent, so equal times keep append
 * order), re-encode, replace. A day-sized chunk bounds the cost of one late record to rewriting one day.
 *
 * READS run on a small pool of read connections, each read in one transaction, so the chunks and the recent rows
 * come from one snapshot (a concurrent packing round is either wholly visible or not at all). The covering chunks
 * are read newest first; for lastN the read stops as soon as it holds N entries at or after the current chunk's
 * start. Entries are filtered by exact time and only the returned ones are decoded.
 *
 * INSTANCE OPERATIONS (temporal API writes: delete a series or an entity's history, replace or delete one instance)
 * run on the writer thread like retention, each in one transaction. An instance is found by its instanceId: a derived
 * id carries its time, so only the chunk of that day and the recent rows of that millisecond are decoded; an
 * explicit id needs a scan of the attribute's series. Afterwards the writer's bookkeeping is rebuilt (resetState).
 *
 * RETENTION (deleteBefore) runs on the writer thread: whole chunks before the cutoff's day are deleted by primary
 * key, the cutoff's day is read-modify-written, and recent rows are deleted through the index.
 *
 * CHECKPOINTS as in the twin store: the write connection never checkpoints automatically; see
 * io.citytwin.sqlite.WalCheckpointer.
 */
/**
 * The history store in one SQLite database file, {@code <dataDir>/history.db} (separate from the twin's file, so
 * the two writers never contend), WAL mode, group commit, series packed into daily chunks.
 *
 * <p>The entity type of a record read back is the type of its series' last append.
 *
 * <p>Futures complete on the writer thread, in order: attach heavy continuations with the {@code ...Async} methods.
 * Thread-safe.
 */
public final class SqliteHistoryStore implements HistoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteHistoryStore.class);

    /** The file name of the database inside the data directory. */
    public static final String FILE_NAME = "history.db";

    static final long DAY_MS = 86_400_000L;
    /** The time axis in ms is clamped to +-2^62 so that day arithmetic never overflows; entries keep exact times. */
    private static final long MS_LIMIT = 1L << 62;
    /** Rows packed per transaction at most. */
    static final int COMPACT_ROWS = 20_000;

    private static final long IDLE_MS = 200;
    private static final int READERS = 4;

    private final Path file;
    private final SqliteHistoryOptions options;
    private final Connection writeConnection;
    private final PreparedStatement insertRecent;
    private final PreparedStatement findSeries;
    private final PreparedStatement insertSeries;
    private final PreparedStatement updateType;
    private final PreparedStatement saveLogOffset;
    /** The seq of the next row written to fresh (writer thread; see FRESH ROWS). */
    private long nextSeq;
    /** Rows in fresh (writer thread). */
    private long freshRows;
    /** Rows in warm (writer thread; see WARM ROWS). */
    private long warmRows;
    /** The highest log offset committed with records, -1 for none (see {@link #logOffset()}). */
    private volatile long logOffset;

    private final ArrayBlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Object enqueueLock = new Object();
    private final Thread writer;
    private final WalCheckpointer checkpointer;
    private volatile boolean readClosed;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong recordsWritten = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();

    private boolean closed; // guarded by enqueueLock
    private boolean shutDown; // guarded by this

    // writer thread only
    private final HashMap<EntityRef, EntitySeries> byEntity = new HashMap<>();
    private final HashMap<Long, SeriesState> byId = new HashMap<>();
    // the entity of the last lookup, by the identity of the key's parts (see stateFor)
    private @Nullable TenantId lastTenant;
    private @Nullable EntityId lastEntity;
    private @Nullable EntitySeries lastSeries;
    private final LinkedHashSet<Long> dirty = new LinkedHashSet<>();
    private long packable;

    /** What the writer knows of one series. */
    private static final class SeriesState {
        final long id;
        String type;
        /** The newest day (epoch ms / DAY_MS) with data; days below it are closed. */
        long maxDay;
        /** Rows of this series in recent. */
        long recentRows;

        SeriesState(long id, String type, long maxDay, long recentRows) {
            this.id = id;
            this.type = type;
            this.maxDay = maxDay;
            this.recentRows = recentRows;
        }
    }

    private record EntityRef(TenantId tenant, EntityId entity) {}

    /**
     * The known series of one entity, in parallel arrays scanned by the attribute name's hash (an entity has a few
     * attributes; see stateFor).
     */
    private static final class EntitySeries {
        int size;
        int[] hashes = new int[8];
        String[] attributes = new String[8];

        @Nullable
        String[] datasets = new String[8];

        SeriesState[] states = new SeriesState[8];

        @Nullable
        SeriesState find(String attribute, @Nullable String dataset) {
            int h = attribute.hashCode();
            for (int i = 0; i < size; i++) {
                if (hashes[i] == h && attribute.equals(attributes[i]) && Objects.equals(dataset, datasets[i])) {
                    return states[i];
                }
            }
            return null;
        }

        void add(String attribute, @Nullable String dataset, SeriesState state) {
            if (size == states.length) {
                hashes = Arrays.copyOf(hashes, size * 2);
                attributes = Arrays.copyOf(attributes, size * 2);
                datasets = Arrays.copyOf(datasets, size * 2);
                states = Arrays.copyOf(states, size * 2);
            }
            hashes[size] = attribute.hashCode();
            attributes[size] = attribute;
            datasets[size] = dataset;
            states[size++] = state;
        }
    }

    private sealed interface Job {}

    /** @param logOffset the event log offset recorded with the records, -1 for none */
    private record Append(
            List<AttributeRecord> records, List<byte[]> entries, long logOffset, CompletableFuture<Void> future)
            implements Job {}

    private record Task(Supplier<Long> work, CompletableFuture<Long> future) implements Job {}

    private record Poison() implements Job {}

    private SqliteHistoryStore(Path file, SqliteHistoryOptions options, Connection write) throws SQLException {
        this.file = file;
        this.options = options;
        this.writeConnection = write;
        this.insertRecent = write.prepareStatement("INSERT INTO fresh (seq, series, t, data) VALUES (?, ?, ?, ?)");
        this.findSeries = write.prepareStatement("SELECT id, entity_type FROM series"
                + " WHERE tenant = ? AND entity = ? AND attribute = ? AND dataset = ?");
        this.insertSeries = write.prepareStatement(
                "INSERT INTO series (tenant, entity, attribute, dataset, entity_type) VALUES (?, ?, ?, ?, ?)"
                        + " RETURNING id");
        this.updateType = write.prepareStatement("UPDATE series SET entity_type = ? WHERE id = ?");
        this.saveLogOffset = write.prepareStatement("INSERT INTO log_offset (id, next) VALUES (0, ?)"
                + " ON CONFLICT (id) DO UPDATE SET next = max(next, excluded.next)");
        try (Statement st = write.createStatement();
                ResultSet rs = st.executeQuery("SELECT next FROM log_offset WHERE id = 0")) {
            this.logOffset = rs.next() ? rs.getLong(1) : -1;
        }
        try (Statement st = write.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT coalesce(max(seq), 0) FROM recent),"
                        + " (SELECT coalesce(max(seq), 0) FROM fresh), (SELECT count(*) FROM fresh),"
                        + " (SELECT coalesce(max(seq), 0) FROM warm), (SELECT count(*) FROM warm)")) {
            rs.next();
            this.nextSeq = Math.max(Math.max(rs.getLong(1), rs.getLong(2)), rs.getLong(4)) + 1;
            this.freshRows = rs.getLong(3);
            this.warmRows = rs.getLong(5);
        }
        write.commit();
        settle(); // a crash may have left fresh rows
        for (int i = 0; i < READERS; i++) {
            Connection c = connect(file, options);
            c.setAutoCommit(false);
            readers.add(c);
        }
        findDirty();
        compactAll(); // a crash may have left packable rows
        this.checkpointer = WalCheckpointer.start(
                file, write, connect(file, options), "citytwin-history-checkpoint"); // see CHECKPOINTS
        this.writer = new Thread(this::runWriter, "citytwin-history-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens (creating when needed) the history store in {@code dataDir/history.db}, migrating its schema.
     *
     * @throws TwinException InternalError {@code history.open-failed} when it cannot be opened, {@code
     *     history.schema-too-new} when a newer CityTwin wrote it
     */
    public static SqliteHistoryStore open(Path dataDir, SqliteHistoryOptions options) {
        Path file = dataDir.resolve(FILE_NAME);
        Connection write = null;
        try {
            Files.createDirectories(dataDir);
            write = connect(file, options);
            write.setAutoCommit(false);
            HistorySchema.migrate(write, options.clock());
            return new SqliteHistoryStore(file, options, write);
        } catch (SQLException | IOException | RuntimeException e) {
            throw Sqlite.openFailed(e, "history", "history store", file, write);
        }
    }

    /** Same as {@link #open(Path, SqliteHistoryOptions)} with {@link SqliteHistoryOptions#defaults()}. */
    public static SqliteHistoryStore open(Path dataDir) {
        return open(dataDir, SqliteHistoryOptions.defaults());
    }

    private static Connection connect(Path file, SqliteHistoryOptions options) throws SQLException {
        return Sqlite.connect(file, options.synchronous().name(), 32_768); // 32 MiB per connection
    }

    // ---------------------------------------------------------------- the port

    /**
     * {@inheritDoc}
     *
     * <p>After {@link #close()} the future fails with {@code history.closed}; when the transaction fails, with
     * InternalError {@code history.write-failed}.
     */
    @Override
    public CompletableFuture<Void> append(List<AttributeRecord> records) {
        return enqueue(records, -1);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The offset is written in the same transaction as the records (table {@code log_offset}).
     */
    @Override
    public CompletableFuture<Void> append(List<AttributeRecord> records, long logOffset) {
        if (logOffset < 0) {
            throw new IllegalArgumentException("logOffset must not be negative: " + logOffset);
        }
        return enqueue(records, logOffset);
    }

    @Override
    public OptionalLong logOffset() {
        long o = logOffset;
        return o < 0 ? OptionalLong.empty() : OptionalLong.of(o);
    }

    private CompletableFuture<Void> enqueue(List<AttributeRecord> records, long logOffset) {
        List<AttributeRecord> copy = List.copyOf(records);
        ArrayList<byte[]> entries = new ArrayList<>(copy.size());
        try {
            RecordCodec codec = new RecordCodec();
            for (AttributeRecord r : copy) {
                entries.add(codec.encodeEntry(r));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof TwinException ? e : writeFailed(e));
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (enqueueLock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedError());
            }
            pending.addAndGet(copy.size());
            queue.add(new Append(copy, entries, logOffset, future));
        }
        return future;
    }

    @Override
    public List<AttributeRecord> read(SeriesKey key, Instant from, Instant to, int lastN) {
        return read(key, from, to, lastN, true);
    }

    @Override
    public List<AttributeRecord> readFirst(SeriesKey key, Instant from, Instant to, int firstN) {
        return read(key, from, to, firstN, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Decodes only the time and the value of each entry, not the whole attribute.
     */
    @Override
    public void scanValues(SeriesKey key, Instant from, Instant to, BiConsumer<Instant, Object> sink) {
        Selected s = select(key, from, to, 0, true);
        if (s != null) {
            RecordCodec codec = new RecordCodec();
            for (RecordCodec.Entry e : s.entries) {
                sink.accept(e.time(), codec.decodeValue(e));
            }
        }
    }

    /** A range read keeping the last ({@code fromEnd}) or the first {@code lastN} records when lastN > 0. */
    private List<AttributeRecord> read(SeriesKey key, Instant from, Instant to, int lastN, boolean fromEnd) {
        Selected s = select(key, from, to, lastN, fromEnd);
        if (s == null) {
            return List.of();
        }
        RecordCodec codec = new RecordCodec();
        ArrayList<AttributeRecord> out = new ArrayList<>(s.entries.size());
        for (RecordCodec.Entry e : s.entries) {
            out.add(codec.decode(key, s.type, e));
        }
        return Collections.unmodifiableList(out);
    }

    /** The entries a read returns, in time order, and the series' type. */
    private record Selected(List<RecordCodec.Entry> entries, String type) {}

    private @Nullable Selected select(SeriesKey key, Instant from, Instant to, int lastN, boolean fromEnd) {
        if (lastN < 0) {
            throw TwinException.badData("history.lastN-negative", "lastN must not be negative, not " + lastN);
        }
        if (!from.isBefore(to)) {
            return null;
        }
        Connection c = borrow();
        List<RecordCodec.Entry> selected;
        String type;
        try {
            long id;
            try (PreparedStatement p = c.prepareStatement("SELECT id, entity_type FROM series"
                    + " WHERE tenant = ? AND entity = ? AND attribute = ? AND dataset = ?")) {
                bindKey(p, key);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        c.commit();
                        return null;
                    }
                    id = rs.getLong(1);
                    type = rs.getString(2);
                }
            }
            long fromMs = millis(from);
            long toMs = millis(to);
            ArrayList<RecordCodec.Entry> recent = new ArrayList<>();
            if (fromEnd && lastN > 0) {
                // the newest lastN rows through the index, plus every row of the boundary millisecond (exact times
                // within one ms are only known after parsing); older rows can never be among the last N
                TreeMap<Long, RecordCodec.Entry> bySeq = new TreeMap<>();
                long boundary = Long.MIN_VALUE;
                int fetched = 0;
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT seq, t, data FROM recent WHERE series = ?1 AND t >= ?2 AND t <= ?3 UNION ALL"
                                + " SELECT seq, t, data FROM warm WHERE series = ?1 AND t >= ?2 AND t <= ?3 UNION ALL"
                                + " SELECT seq, t, data FROM fresh WHERE series = ?1 AND t >= ?2 AND t <= ?3"
                                + " ORDER BY t DESC, seq DESC LIMIT ?4")) {
                    p.setLong(1, id);
                    p.setLong(2, fromMs);
                    p.setLong(3, toMs);
                    p.setInt(4, lastN);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            boundary = rs.getLong(2);
                            fetched++;
                            bySeq.put(rs.getLong(1), RecordCodec.parseEntry(rs.getBytes(3)));
                        }
                    }
                }
                if (fetched == lastN) {
                    try (PreparedStatement p =
                            c.prepareStatement("SELECT seq, data FROM recent WHERE series = ?1 AND t = ?2"
                                    + " UNION ALL SELECT seq, data FROM warm WHERE series = ?1 AND t = ?2"
                                    + " UNION ALL SELECT seq, data FROM fresh WHERE series = ?1 AND t = ?2")) {
                        p.setLong(1, id);
                        p.setLong(2, boundary);
                        try (ResultSet rs = p.executeQuery()) {
                            while (rs.next()) {
                                bySeq.putIfAbsent(rs.getLong(1), RecordCodec.parseEntry(rs.getBytes(2)));
                            }
                        }
                    }
                }
                for (RecordCodec.Entry e : bySeq.values()) { // append order
                    if (inRange(e, from, to)) {
                        recent.add(e);
                    }
                }
            }
            if (fromEnd && lastN > 0 && recent.size() < lastN && !recent.isEmpty()) {
                recent.clear(); // rows of the range's edge milliseconds were out of range: read them all instead
            }
            if (!(fromEnd && lastN > 0) || recent.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement(
                        "SELECT seq, t, data FROM recent WHERE series = ?1 AND t >= ?2 AND t <= ?3 UNION ALL"
                                + " SELECT seq, t, data FROM warm WHERE series = ?1 AND t >= ?2 AND t <= ?3 UNION ALL"
                                + " SELECT seq, t, data FROM fresh WHERE series = ?1 AND t >= ?2 AND t <= ?3"
                                + " ORDER BY t, seq")) {
                    p.setLong(1, id);
                    p.setLong(2, fromMs);
                    p.setLong(3, toMs);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            RecordCodec.Entry e = RecordCodec.parseEntry(rs.getBytes(3));
                            if (inRange(e, from, to)) {
                                recent.add(e);
                            }
                        }
                    }
                }
            }
            ArrayList<List<RecordCodec.Entry>> chunks = new ArrayList<>(); // newest first (oldest first: !fromEnd)
            try (PreparedStatement p = c.prepareStatement("SELECT start, end, data FROM chunks"
                    + " WHERE series = ? AND start >= ? AND start <= ? ORDER BY start "
                    + (fromEnd ? "DESC" : "ASC"))) {
                p.setLong(1, id);
                p.setLong(2, dayStart(fromMs));
                p.setLong(3, toMs);
                try (ResultSet rs = p.executeQuery()) {
                    int held = 0;
                    while (rs.next()) {
                        long start = rs.getLong(1);
                        if (fromEnd && lastN > 0 && held + countAfter(recent, rs.getLong(2)) >= lastN) {
                            break; // newer entries already fill lastN: this chunk (its blob unread) and older ones
                            // can't
                        }
                        ArrayList<RecordCodec.Entry> in = new ArrayList<>();
                        for (RecordCodec.Entry e : RecordCodec.parseChunk(rs.getBytes(3))) {
                            if (inRange(e, from, to)) {
                                in.add(e);
                            }
                        }
                        chunks.add(in);
                        held += in.size();
                        if (lastN > 0
                                && held
                                                + (fromEnd
                                                        ? countAtOrAfter(recent, start)
                                                        : countBefore(recent, start + DAY_MS))
                                        >= lastN) {
                            break; // every older (newer: !fromEnd) chunk holds only older (newer) entries
                        }
                    }
                }
            }
            c.commit();
            ArrayList<RecordCodec.Entry> all = new ArrayList<>();
            for (int i = 0; i < chunks.size(); i++) {
                all.addAll(chunks.get(fromEnd ? chunks.size() - 1 - i : i));
            }
            all.addAll(recent);
            all.sort(RecordCodec.Entry::compareTime); // stable: equal times keep append order
            if (lastN > 0 && all.size() > lastN) {
                selected = fromEnd ? all.subList(all.size() - lastN, all.size()) : all.subList(0, lastN);
            } else {
                selected = all;
            }
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            LOG.error("Cannot read the history store {}", file, e);
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "history.read-failed", "Cannot read the history store", e);
        } finally {
            giveBack(c);
        }
        return new Selected(selected, type);
    }

    @Override
    public Set<SeriesKey> series(TenantId tenant, EntityId entity) {
        Connection c = borrow();
        try (PreparedStatement p = c.prepareStatement("SELECT attribute, dataset FROM series s"
                + " WHERE tenant = ? AND entity = ? AND (EXISTS (SELECT 1 FROM recent r WHERE r.series = s.id)"
                + " OR EXISTS (SELECT 1 FROM warm w WHERE w.series = s.id)"
                + " OR EXISTS (SELECT 1 FROM fresh f WHERE f.series = s.id)"
                + " OR EXISTS (SELECT 1 FROM chunks k WHERE k.series = s.id))")) {
            p.setString(1, tenant.value());
            p.setString(2, entity.value());
            HashSet<SeriesKey> out = new HashSet<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    String dataset = rs.getString(2);
                    out.add(new SeriesKey(tenant, entity, rs.getString(1), dataset.isEmpty() ? null : dataset));
                }
            }
            c.commit();
            return Set.copyOf(out);
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            LOG.error("Cannot read the history store {}", file, e);
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "history.read-failed", "Cannot read the history store", e);
        } finally {
            giveBack(c);
        }
    }

    @Override
    public List<HistoryEntity> entities(TenantId tenant, @Nullable Set<String> types) {
        if (types != null && types.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT entity, entity_type, max(id) FROM series s WHERE tenant = ?");
        if (types != null) {
            sql.append(" AND entity_type IN (")
                    .append("?,".repeat(types.size() - 1))
                    .append("?)");
        }
        sql.append(" AND (EXISTS (SELECT 1 FROM recent r WHERE r.series = s.id)"
                + " OR EXISTS (SELECT 1 FROM warm w WHERE w.series = s.id)"
                + " OR EXISTS (SELECT 1 FROM fresh f WHERE f.series = s.id)"
                + " OR EXISTS (SELECT 1 FROM chunks k WHERE k.series = s.id)) GROUP BY entity ORDER BY entity");
        Connection c = borrow();
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            p.setString(1, tenant.value());
            int i = 2;
            if (types != null) {
                for (String t : types) {
                    p.setString(i++, t);
                }
            }
            ArrayList<HistoryEntity> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new HistoryEntity(EntityId.of(rs.getString(1)), rs.getString(2)));
                }
            }
            c.commit();
            return Collections.unmodifiableList(out);
        } catch (SQLException e) {
            rollbackQuietly(c, e);
            LOG.error("Cannot read the history store {}", file, e);
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "history.read-failed", "Cannot read the history store", e);
        } finally {
            giveBack(c);
        }
    }

    @Override
    public long deleteSeries(SeriesKey key) {
        return onWriter(() -> {
            long n = 0;
            for (long id : seriesIds(key.tenant(), key.entity(), key.attribute(), key.datasetId(), false)) {
                n += dropSeries(id);
            }
            return n;
        });
    }

    @Override
    public long deleteEntity(TenantId tenant, EntityId entity) {
        return onWriter(() -> {
            long n = 0;
            for (long id : seriesIds(tenant, entity, null, null, true)) {
                n += dropSeries(id);
            }
            return n;
        });
    }

    @Override
    public Optional<AttributeRecord> findInstance(
            TenantId tenant, EntityId entity, String attribute, String instanceId) {
        Optional<Instant> at = AttributeRecord.timeOfDerived(instanceId);
        if (at.isPresent()) {
            Optional<AttributeRecord> hit = findInstance(
                    tenant, entity, attribute, instanceId, at.get(), at.get().plusNanos(1));
            if (hit.isPresent()) {
                return hit;
            }
        }
        return findInstance(
                tenant, entity, attribute, instanceId, io.citytwin.twin.IsoTimes.MIN, io.citytwin.twin.IsoTimes.MAX);
    }

    private Optional<AttributeRecord> findInstance(
            TenantId tenant, EntityId entity, String attribute, String instanceId, Instant from, Instant to) {
        for (SeriesKey key : series(tenant, entity)) {
            if (key.attribute().equals(attribute)) {
                for (AttributeRecord r : read(key, from, to, 0)) {
                    if (r.instanceId().equals(instanceId)) {
                        return Optional.of(r);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean replaceInstance(
            TenantId tenant, EntityId entity, String attribute, String instanceId, AttributeRecord replacement) {
        SeriesKey k = replacement.key();
        if (!k.tenant().equals(tenant)
                || !k.entity().equals(entity)
                || !k.attribute().equals(attribute)) {
            throw TwinException.badData("history.replace-key", "A replacement must stay in its attribute's series");
        }
        byte[] entry = new RecordCodec().encodeEntry(replacement);
        return onWriter(() -> {
                    if (removeInstance(tenant, entity, attribute, instanceId) == 0) {
                        return 0L;
                    }
                    SeriesState s = stateFor(k, replacement.entityType());
                    insertFresh(s.id, millis(replacement.observedAt()), entry);
                    return 1L;
                })
                > 0;
    }

    @Override
    public boolean deleteInstance(TenantId tenant, EntityId entity, String attribute, String instanceId) {
        return onWriter(() -> removeInstance(tenant, entity, attribute, instanceId)) > 0;
    }

    @Override
    public long replaceRange(SeriesKey key, Instant from, Instant to, List<AttributeRecord> replacement) {
        RecordCodec codec = new RecordCodec();
        ArrayList<byte[]> entries = new ArrayList<>(replacement.size());
        for (AttributeRecord r : replacement) {
            if (!r.key().equals(key)
                    || r.observedAt().isBefore(from)
                    || !r.observedAt().isBefore(to)) {
                throw TwinException.badData("history.replace-range", "A replacement must be of the series and range");
            }
            entries.add(codec.encodeEntry(r));
        }
        return onWriter(() -> {
            long deleted = 0;
            for (long id : seriesIds(key.tenant(), key.entity(), key.attribute(), key.datasetId(), false)) {
                deleted += deleteRange(id, from, to);
            }
            for (int i = 0; i < replacement.size(); i++) {
                AttributeRecord r = replacement.get(i);
                SeriesState st = stateFor(key, r.entityType());
                insertFresh(st.id, millis(r.observedAt()), entries.get(i));
            }
            return deleted;
        });
    }

    /** Deletes the records of series {@code id} in {@code [from, to)}: whole chunks by key, edge chunks rewritten. */
    private long deleteRange(long id, Instant from, Instant to) throws SQLException {
        if (!from.isBefore(to)) {
            return 0;
        }
        long fromMs = millis(from);
        long toMs = millis(to);
        long deleted = 0;
        RecordCodec codec = new RecordCodec();
        ArrayList<long[]> chunks = new ArrayList<>(); // start, end, count
        try (PreparedStatement p = writeConnection.prepareStatement(
                "SELECT start, end, count FROM chunks WHERE series = ? AND start >= ? AND start <= ?")) {
            p.setLong(1, id);
            p.setLong(2, dayStart(fromMs));
            p.setLong(3, toMs);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    chunks.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        try (PreparedStatement drop =
                writeConnection.prepareStatement("DELETE FROM chunks WHERE series = ? AND start = ?")) {
            for (long[] c : chunks) {
                if (!Instant.ofEpochMilli(c[0]).isBefore(from) && c[1] < toMs) {
                    // wholly inside: every entry is at or after the day's start >= from, and before `to`
                    drop.setLong(1, id);
                    drop.setLong(2, c[0]);
                    drop.executeUpdate();
                    deleted += c[2];
                    continue;
                }
                deleted += dropFromChunk(codec, id, c[0], e -> inRange(e, from, to));
            }
        }
        deleted += dropFromRecent(id, fromMs, toMs, e -> inRange(e, from, to));
        return deleted;
    }

    /** Work on the writer thread's connection, in one transaction (see INSTANCE OPERATIONS). */
    private interface WriterWork {
        long run() throws SQLException;
    }

    private long onWriter(WriterWork work) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        synchronized (enqueueLock) {
            if (closed) {
                throw closedError();
            }
            queue.add(new Task(
                    () -> {
                        try {
                            long n = work.run();
                            writeConnection.commit();
                            return n;
                        } catch (SQLException | RuntimeException e) {
                            rollbackQuietly(writeConnection, e);
                            if (e instanceof TwinException te) {
                                throw te;
                            }
                            LOG.error("Cannot change the history in {}", file, e);
                            throw writeFailed(e);
                        } finally {
                            resetState();
                        }
                    },
                    future));
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TwinException te) {
                throw te;
            }
            throw e;
        }
    }

    /** The ids of the matching series (dataset null = the default instance unless {@code anyDataset}). */
    private List<Long> seriesIds(
            TenantId tenant, EntityId entity, @Nullable String attribute, @Nullable String dataset, boolean anyDataset)
            throws SQLException {
        String sql = "SELECT id FROM series WHERE tenant = ? AND entity = ?"
                + (attribute == null ? "" : " AND attribute = ?")
                + (anyDataset ? "" : " AND dataset = ?");
        try (PreparedStatement p = writeConnection.prepareStatement(sql)) {
            int i = 1;
            p.setString(i++, tenant.value());
            p.setString(i++, entity.value());
            if (attribute != null) {
                p.setString(i++, attribute);
            }
            if (!anyDataset) {
                p.setString(i, dataset == null ? "" : dataset);
            }
            ArrayList<Long> ids = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            return ids;
        }
    }

    /** Deletes a series and its records; the number of records. */
    private long dropSeries(long id) throws SQLException {
        long n;
        try (Statement st = writeConnection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT coalesce(sum(count), 0) FROM chunks WHERE series = " + id)) {
                rs.next();
                n = rs.getLong(1);
            }
            st.executeUpdate("DELETE FROM chunks WHERE series = " + id);
            n += st.executeUpdate("DELETE FROM recent WHERE series = " + id);
            st.executeUpdate("DELETE FROM series WHERE id = " + id);
        }
        return n;
    }

    /** Removes the entries with {@code instanceId} from the attribute's series (see INSTANCE OPERATIONS). */
    private long removeInstance(TenantId tenant, EntityId entity, String attribute, String instanceId)
            throws SQLException {
        Optional<Instant> at = AttributeRecord.timeOfDerived(instanceId);
        long removed = removeInstance(tenant, entity, attribute, instanceId, at);
        // a replaced instance keeps its derived-looking id at another time: scan when the hint finds nothing
        return removed == 0 && at.isPresent()
                ? removeInstance(tenant, entity, attribute, instanceId, Optional.empty())
                : removed;
    }

    private long removeInstance(
            TenantId tenant, EntityId entity, String attribute, String instanceId, Optional<Instant> at)
            throws SQLException {
        long removed = 0;
        RecordCodec codec = new RecordCodec();
        for (long id : seriesIds(tenant, entity, attribute, null, true)) {
            SeriesKey key;
            String type;
            try (PreparedStatement p =
                    writeConnection.prepareStatement("SELECT dataset, entity_type FROM series WHERE id = ?")) {
                p.setLong(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    String dataset = rs.getString(1);
                    key = new SeriesKey(tenant, entity, attribute, dataset.isEmpty() ? null : dataset);
                    type = rs.getString(2);
                }
            }
            long fromMs = at.map(SqliteHistoryStore::millis).orElse(-MS_LIMIT);
            long toMs = at.map(SqliteHistoryStore::millis).orElse(MS_LIMIT);
            ArrayList<long[]> chunkStarts = new ArrayList<>();
            try (PreparedStatement p = writeConnection.prepareStatement(
                    "SELECT start FROM chunks WHERE series = ? AND start >= ? AND start <= ?")) {
                p.setLong(1, id);
                p.setLong(2, dayStart(fromMs));
                p.setLong(3, toMs);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        chunkStarts.add(new long[] {rs.getLong(1)});
                    }
                }
            }
            SeriesKey seriesKey = key;
            String entityType = type;
            java.util.function.Predicate<RecordCodec.Entry> isInstance =
                    e -> codec.decode(seriesKey, entityType, e).instanceId().equals(instanceId);
            for (long[] start : chunkStarts) {
                removed += dropFromChunk(codec, id, start[0], isInstance);
            }
            removed += dropFromRecent(id, fromMs, toMs, isInstance);
        }
        return removed;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs on the writer thread, between group commits, and blocks the caller until done.
     */
    @Override
    public long deleteBefore(TenantId tenant, @Nullable String entityType, Instant cutoff) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        synchronized (enqueueLock) {
            if (closed) {
                throw closedError();
            }
            queue.add(new Task(() -> retain(tenant, entityType, cutoff), future));
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TwinException te) {
                throw te;
            }
            throw e;
        }
    }

    /** Records handed to {@link #append} and not yet committed (or failed): the depth of the queue. */
    public long pendingRecords() {
        return pending.get();
    }

    /** Records committed since open. */
    public long recordsWritten() {
        return recordsWritten.get();
    }

    /** Transactions of appended records committed since open (group commits). */
    public long commits() {
        return commits.get();
    }

    /**
     * Commits everything appended before this call, packs every closed day, checkpoints the WAL and releases the
     * store. Later appends fail with {@code history.closed}. Idempotent; blocks until done.
     */
    @Override
    public synchronized void close() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        synchronized (enqueueLock) {
            closed = true;
            queue.add(new Poison());
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
        compactAll();
        try (Statement s = writeConnection.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            LOG.warn("Cannot checkpoint the WAL of {}; the next open will", file, e);
        }
        readClosed = true;
        for (Connection c; (c = readers.poll()) != null; ) {
            closeQuietly(c);
        }
        closeQuietly(writeConnection);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the writer thread

    private void runWriter() {
        ArrayList<Append> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            Job first;
            try {
                first = queue.poll(IDLE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // only close() ends the writer, with Poison
            }
            if (first == null) {
                if (!dirty.isEmpty()) {
                    compactRound(); // idle: pack what is closed (settles first)
                } else {
                    settle(); // idle: keep fresh small for the next burst
                }
                continue;
            }
            int records = 0;
            long deadline = System.nanoTime() + options.commitDelay().toNanos();
            for (Job j = first; j != null; j = records < options.maxBatchRecords() ? next(deadline, batch) : null) {
                switch (j) {
                    case Poison p -> stop = true;
                    case Task t -> {
                        commitAll(batch);
                        settleAll(); // instance operations and retention change recent rows only
                        try {
                            t.future.complete(t.work.get());
                        } catch (RuntimeException e) {
                            t.future.completeExceptionally(e);
                        }
                    }
                    case Append a -> {
                        batch.add(a);
                        records += a.records.size();
                    }
                }
                if (stop) {
                    break;
                }
            }
            commitAll(batch);
            if (!dirty.isEmpty() && packable >= options.compactThreshold()) {
                compactRound();
            } else if (freshRows >= options.freshRows()) {
                settle();
            }
            checkpointer.checkpointIfWalTooLarge();
        }
    }

    /**
     * The next job for the batch: one already queued, else (while the batch holds appends and the commit delay since
     * its first job has not passed) the next to arrive before the deadline; null ends the batch (see COMMIT DELAY).
     */
    private @Nullable Job next(long deadline, List<Append> batch) {
        Job j = queue.poll();
        if (j != null || batch.isEmpty()) {
            return j;
        }
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
            return null;
        }
        try {
            return queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return null; // commit now; only close() ends the writer, with Poison
        }
    }

    private void commitAll(List<Append> batch) {
        if (!batch.isEmpty()) {
            commit(batch);
            batch.clear();
        }
    }

    private void commit(List<Append> batch) {
        int records = 0;
        long offset = -1;
        try {
            for (Append a : batch) {
                records += a.records.size();
                offset = Math.max(offset, a.logOffset);
                for (int i = 0; i < a.records.size(); i++) {
                    AttributeRecord r = a.records.get(i);
                    SeriesState s = stateFor(r.key(), r.entityType());
                    long t = millis(r.observedAt());
                    insertFresh(s.id, t, a.entries.get(i));
                    noteRow(s, Math.floorDiv(t, DAY_MS));
                }
            }
            if (offset >= 0) {
                saveLogOffset.setLong(1, offset);
                saveLogOffset.executeUpdate();
            }
            writeConnection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(writeConnection, e);
            LOG.error("Cannot commit {} history records to {}", records, file, e);
            resetState();
            for (Append a : batch) {
                pending.addAndGet(-a.records.size());
                a.future.completeExceptionally(writeFailed(e));
            }
            return;
        }
        recordsWritten.addAndGet(records);
        commits.incrementAndGet();
        if (offset > logOffset) {
            logOffset = offset;
        }
        for (Append a : batch) {
            pending.addAndGet(-a.records.size());
            a.future.complete(null);
        }
    }

    /** Bookkeeping of a row of day {@code day} appended to {@code s} (see PACKING). */
    private void noteRow(SeriesState s, long day) {
        if (day < s.maxDay) {
            packable++;
            dirty.add(s.id);
        } else if (day > s.maxDay) {
            if (s.recentRows > 0) {
                packable += s.recentRows;
                dirty.add(s.id);
            }
            s.maxDay = day;
        }
        s.recentRows++;
    }

    /*
     * Finding a record's series. The records of one change are one entity's attributes, and they share the tenant and
     * entity objects of the change event; so the entity's series are found once by the identity of those objects (a
     * map lookup only when they differ from the last record's) and each attribute by a scan of the entity's few
     * series. A map keyed by the whole series key took ~45 % of the writer's Java samples at 50,000 records/s (each
     * lookup hashed four parts and missed the caches on a map of every series; SQLite's native work is not in those
     * samples: the writer thread's CPU fell by 1-9 % in the MQTT benchmark).
     */
    private SeriesState stateFor(SeriesKey key, String type) throws SQLException {
        EntitySeries es = lastSeries;
        if (es == null || key.entity() != lastEntity || key.tenant() != lastTenant) {
            es = byEntity.computeIfAbsent(new EntityRef(key.tenant(), key.entity()), r -> new EntitySeries());
            lastTenant = key.tenant();
            lastEntity = key.entity();
            lastSeries = es;
        }
        SeriesState s = es.find(key.attribute(), key.datasetId());
        if (s == null) {
            bindKey(findSeries, key);
            Long id = null;
            String storedType = type;
            try (ResultSet rs = findSeries.executeQuery()) {
                if (rs.next()) {
                    id = rs.getLong(1);
                    storedType = rs.getString(2);
                }
            }
            if (id == null) {
                bindKey(insertSeries, key);
                insertSeries.setString(5, type);
                try (ResultSet rs = insertSeries.executeQuery()) {
                    rs.next();
                    s = new SeriesState(rs.getLong(1), type, Long.MIN_VALUE, 0);
                }
            } else {
                s = loadState(id, storedType);
            }
            es.add(key.attribute(), key.datasetId(), s);
            byId.put(s.id, s);
        }
        if (!s.type.equals(type)) {
            updateType.setString(1, type);
            updateType.setLong(2, s.id);
            updateType.executeUpdate();
            s.type = type;
        }
        return s;
    }

    private SeriesState loadState(long id, String type) throws SQLException {
        long maxDay = Long.MIN_VALUE;
        long rows;
        try (Statement st = writeConnection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT max(t), count(*) FROM (SELECT t FROM recent WHERE series = "
                    + id + " UNION ALL SELECT t FROM warm WHERE series = " + id
                    + " UNION ALL SELECT t FROM fresh WHERE series = "
                    + id + ")")) {
                rs.next();
                rows = rs.getLong(2);
                if (rows > 0) {
                    maxDay = Math.floorDiv(rs.getLong(1), DAY_MS);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT max(start) FROM chunks WHERE series = " + id)) {
                rs.next();
                long start = rs.getLong(1);
                if (!rs.wasNull()) {
                    maxDay = Math.max(maxDay, Math.floorDiv(start, DAY_MS));
                }
            }
        }
        return new SeriesState(id, type, maxDay, rows);
    }

    /** Writes one row into fresh (see FRESH ROWS); part of the caller's transaction. */
    private void insertFresh(long series, long t, byte[] entry) throws SQLException {
        insertRecent.setLong(1, nextSeq++);
        insertRecent.setLong(2, series);
        insertRecent.setLong(3, t);
        insertRecent.setBytes(4, entry);
        insertRecent.executeUpdate();
        freshRows++;
    }

    /**
     * Moves every fresh row into warm, and warm into recent once it holds warmRows (see FRESH ROWS, WARM ROWS). Writer
     * thread (or the constructor); a failure is logged and leaves the rows where they were, where reads still find
     * them.
     */
    private void settle() {
        if (move("fresh", "warm", freshRows)) {
            warmRows += freshRows;
            freshRows = 0;
        }
        if (warmRows >= options.warmRows()) {
            settleAll();
        }
    }

    /** Moves every fresh and warm row into recent, for the work that sees recent only (packing, instance operations). */
    private void settleAll() {
        if (move("fresh", "warm", freshRows)) {
            warmRows += freshRows;
            freshRows = 0;
        }
        if (move("warm", "recent", warmRows)) {
            warmRows = 0;
        }
    }

    /**
     * Moves the {@code rows} rows of table {@code from} into table {@code to} in (series, t) order, renumbered from
     * {@code from}'s lowest seq (see SETTLING IN INDEX ORDER), in one transaction.
     *
     * <p>The renumbering leaves the numbers to SQLite: the first row in index order gets {@code from}'s lowest seq,
     * and every later one a NULL seq, which SQLite makes the table's largest rowid plus one, i.e. the previous row's
     * plus one, since every row already in {@code to} is lower. That gives the same seqs as numbering the rows with
     * {@code row_number() OVER (ORDER BY series, t, seq)} without the window function, which materialised every
     * row once more (~35 % of the insert, 110,000 rows into a table of 500,000).
     *
     * @return whether it committed (true at once when there is nothing to move)
     */
    private boolean move(String from, String to, long rows) {
        if (rows == 0) {
            return true;
        }
        long t0 = System.nanoTime();
        String ordered = " FROM " + from + " ORDER BY series, t, seq";
        try (Statement st = writeConnection.createStatement()) {
            st.executeUpdate("INSERT INTO " + to + " (seq, series, t, data) SELECT (SELECT min(seq) FROM " + from
                    + "), series, t, data" + ordered + " LIMIT 1");
            st.executeUpdate("INSERT INTO " + to + " (seq, series, t, data) SELECT NULL, series, t, data" + ordered
                    + " LIMIT -1 OFFSET 1");
            st.executeUpdate("DELETE FROM " + from);
            writeConnection.commit();
            LOG.debug(
                    "Moved {} history rows from {} into {} in {} ms",
                    rows,
                    from,
                    to,
                    (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (SQLException e) {
            rollbackQuietly(writeConnection, e);
            LOG.error("Cannot move the {} rows of {} into {} in {}; will retry", rows, from, to, file, e);
            return false;
        }
    }

    /** Forgets what the writer knew (after a failed transaction) and finds the dirty series again. */
    private void resetState() {
        byEntity.clear();
        lastTenant = null;
        lastEntity = null;
        lastSeries = null;
        byId.clear();
        dirty.clear();
        packable = 0;
        try {
            findDirty();
        } catch (SQLException e) {
            LOG.error("Cannot scan the history store {} for rows to pack", file, e);
        }
    }

    /** Marks every series with rows in recent as dirty (on open: a crash may have left packable rows). */
    private void findDirty() throws SQLException {
        settleAll();
        try (Statement st = writeConnection.createStatement();
                ResultSet rs = st.executeQuery("SELECT DISTINCT series FROM recent")) {
            while (rs.next()) {
                dirty.add(rs.getLong(1));
            }
        }
        writeConnection.commit();
        packable = dirty.size();
    }

    private void compactAll() {
        while (!dirty.isEmpty()) {
            if (!compactRound()) {
                return;
            }
        }
    }

    /**
     * Packs up to {@link #COMPACT_ROWS} rows of closed days into their chunks, in one transaction (see PACKING).
     *
     * @return whether the round committed
     */
    private boolean compactRound() {
        settleAll(); // packing and the maintenance below read and delete recent rows only
        int budget = COMPACT_ROWS;
        ArrayList<Long> done = new ArrayList<>();
        HashMap<SeriesState, Long> moved = new HashMap<>();
        try (PreparedStatement select = writeConnection.prepareStatement(
                        "SELECT seq, t, data FROM recent WHERE series = ? AND t < ? ORDER BY seq LIMIT ?");
                PreparedStatement delete = writeConnection.prepareStatement("DELETE FROM recent WHERE seq = ?")) {
            RecordCodec codec = new RecordCodec();
            for (Iterator<Long> it = dirty.iterator(); it.hasNext() && budget > 0; ) {
                long id = it.next();
                SeriesState s = byId.get(id);
                if (s == null) {
                    s = loadState(id, "");
                    byId.put(id, s);
                }
                select.setLong(1, id);
                select.setLong(2, s.maxDay == Long.MIN_VALUE ? Long.MIN_VALUE : s.maxDay * DAY_MS);
                select.setInt(3, budget);
                TreeMap<Long, List<RecordCodec.Entry>> days = new TreeMap<>();
                ArrayList<Long> seqs = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        seqs.add(rs.getLong(1));
                        days.computeIfAbsent(Math.floorDiv(rs.getLong(2), DAY_MS), d -> new ArrayList<>())
                                .add(RecordCodec.parseEntry(rs.getBytes(3)));
                    }
                }
                for (Map.Entry<Long, List<RecordCodec.Entry>> d : days.entrySet()) {
                    long start = d.getKey() * DAY_MS;
                    List<RecordCodec.Entry> merged = new ArrayList<>(readChunk(id, start));
                    merged.addAll(d.getValue());
                    merged.sort(RecordCodec.Entry::compareTime);
                    writeChunk(codec, id, start, merged);
                }
                for (long seq : seqs) {
                    delete.setLong(1, seq);
                    delete.executeUpdate();
                }
                budget -= seqs.size();
                moved.merge(s, (long) seqs.size(), Long::sum);
                if (budget > 0) {
                    done.add(id); // everything packable of this series is packed
                }
            }
            writeConnection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(writeConnection, e);
            LOG.error("Cannot pack history rows of {} into chunks; will retry", file, e);
            return false;
        }
        for (Map.Entry<SeriesState, Long> m : moved.entrySet()) {
            m.getKey().recentRows = Math.max(0, m.getKey().recentRows - m.getValue());
            packable = Math.max(0, packable - m.getValue());
        }
        done.forEach(dirty::remove);
        if (dirty.isEmpty()) {
            packable = 0;
        }
        return true;
    }

    /** Rewrites the chunk of {@code series} at {@code start} without the entries {@code drop} accepts. */
    private int dropFromChunk(
            RecordCodec codec, long series, long start, java.util.function.Predicate<RecordCodec.Entry> drop)
            throws SQLException {
        List<RecordCodec.Entry> all = readChunk(series, start);
        ArrayList<RecordCodec.Entry> kept = new ArrayList<>(all.size());
        for (RecordCodec.Entry e : all) {
            if (!drop.test(e)) {
                kept.add(e);
            }
        }
        if (kept.size() < all.size()) {
            writeChunk(codec, series, start, kept);
        }
        return all.size() - kept.size();
    }

    /** Deletes the recent rows of {@code series} in {@code [fromMs, toMs]} whose entry {@code drop} accepts. */
    private int dropFromRecent(
            long series, long fromMs, long toMs, java.util.function.Predicate<RecordCodec.Entry> drop)
            throws SQLException {
        ArrayList<Long> seqs = new ArrayList<>();
        try (PreparedStatement p = writeConnection.prepareStatement(
                "SELECT seq, data FROM recent WHERE series = ? AND t >= ? AND t <= ?")) {
            p.setLong(1, series);
            p.setLong(2, fromMs);
            p.setLong(3, toMs);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    if (drop.test(RecordCodec.parseEntry(rs.getBytes(2)))) {
                        seqs.add(rs.getLong(1));
                    }
                }
            }
        }
        int removed = 0;
        try (PreparedStatement p = writeConnection.prepareStatement("DELETE FROM recent WHERE seq = ?")) {
            for (long seq : seqs) {
                p.setLong(1, seq);
                removed += p.executeUpdate();
            }
        }
        return removed;
    }

    private List<RecordCodec.Entry> readChunk(long series, long start) throws SQLException {
        try (PreparedStatement p =
                writeConnection.prepareStatement("SELECT data FROM chunks WHERE series = ? AND start = ?")) {
            p.setLong(1, series);
            p.setLong(2, start);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? RecordCodec.parseChunk(rs.getBytes(1)) : List.of();
            }
        }
    }

    /** Replaces the chunk {@code (series, start)} by {@code entries} (time-ordered), or deletes it when empty. */
    private void writeChunk(RecordCodec codec, long series, long start, List<RecordCodec.Entry> entries)
            throws SQLException {
        if (entries.isEmpty()) {
            try (PreparedStatement p =
                    writeConnection.prepareStatement("DELETE FROM chunks WHERE series = ? AND start = ?")) {
                p.setLong(1, series);
                p.setLong(2, start);
                p.executeUpdate();
            }
            return;
        }
        try (PreparedStatement p = writeConnection.prepareStatement(
                "INSERT OR REPLACE INTO chunks (series, start, end, count, data) VALUES (?, ?, ?, ?, ?)")) {
            p.setLong(1, series);
            p.setLong(2, start);
            p.setLong(3, millis(entries.get(entries.size() - 1).time()));
            p.setInt(4, entries.size());
            p.setBytes(5, codec.encodeChunk(entries));
            p.executeUpdate();
        }
    }

    /** Retention (see RETENTION); runs on the writer thread. */
    private long retain(TenantId tenant, @Nullable String entityType, Instant cutoff) {
        long cutMs = millis(cutoff);
        long cutDay = dayStart(cutMs);
        long deleted = 0;
        ArrayList<Long> ids = new ArrayList<>();
        try {
            try (PreparedStatement p = writeConnection.prepareStatement(
                    entityType == null
                            ? "SELECT id FROM series WHERE tenant = ?"
                            : "SELECT id FROM series WHERE tenant = ? AND entity_type = ?")) {
                p.setString(1, tenant.value());
                if (entityType != null) {
                    p.setString(2, entityType);
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            RecordCodec codec = new RecordCodec();
            try (PreparedStatement count = writeConnection.prepareStatement(
                            "SELECT coalesce(sum(count), 0) FROM chunks WHERE series = ? AND start < ?");
                    PreparedStatement dropChunks =
                            writeConnection.prepareStatement("DELETE FROM chunks WHERE series = ? AND start < ?");
                    PreparedStatement dropRecent =
                            writeConnection.prepareStatement("DELETE FROM recent WHERE series = ? AND t < ?");
                    PreparedStatement edge = writeConnection.prepareStatement(
                            "SELECT seq, data FROM recent WHERE series = ? AND t = ?");
                    PreparedStatement dropSeq = writeConnection.prepareStatement("DELETE FROM recent WHERE seq = ?")) {
                for (long id : ids) {
                    count.setLong(1, id);
                    count.setLong(2, cutDay);
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        deleted += rs.getLong(1);
                    }
                    dropChunks.setLong(1, id);
                    dropChunks.setLong(2, cutDay);
                    dropChunks.executeUpdate();
                    List<RecordCodec.Entry> day = readChunk(id, cutDay);
                    if (!day.isEmpty()) {
                        ArrayList<RecordCodec.Entry> kept = new ArrayList<>(day.size());
                        for (RecordCodec.Entry e : day) {
                            if (!e.before(cutoff)) {
                                kept.add(e);
                            }
                        }
                        if (kept.size() < day.size()) {
                            deleted += day.size() - kept.size();
                            writeChunk(codec, id, cutDay, kept);
                        }
                    }
                    dropRecent.setLong(1, id);
                    dropRecent.setLong(2, cutMs);
                    deleted += dropRecent.executeUpdate();
                    edge.setLong(1, id);
                    edge.setLong(2, cutMs);
                    ArrayList<Long> seqs = new ArrayList<>();
                    try (ResultSet rs = edge.executeQuery()) {
                        while (rs.next()) {
                            if (RecordCodec.parseEntry(rs.getBytes(2)).before(cutoff)) {
                                seqs.add(rs.getLong(1));
                            }
                        }
                    }
                    for (long seq : seqs) {
                        dropSeq.setLong(1, seq);
                        deleted += dropSeq.executeUpdate();
                    }
                }
            }
            writeConnection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(writeConnection, e);
            LOG.error("Cannot delete old history of tenant {} from {}", tenant, file, e);
            throw new TwinException(ErrorType.INTERNAL_ERROR, "history.delete-failed", "Cannot delete old history", e);
        } finally {
            resetState(); // row counts per series changed
        }
        return deleted;
    }

    // ---------------------------------------------------------------- helpers

    private Connection borrow() {
        if (readClosed) {
            throw closedError();
        }
        try {
            Connection c = readers.poll(30, TimeUnit.SECONDS);
            if (c == null) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR, "history.busy", "No history reader became free in 30 s");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TwinException(ErrorType.INTERNAL_ERROR, "history.interrupted", "Read interrupted", e);
        }
    }

    private void giveBack(Connection c) {
        if (readClosed) {
            closeQuietly(c);
        } else {
            readers.add(c);
        }
    }

    private static void bindKey(PreparedStatement p, SeriesKey key) throws SQLException {
        p.setString(1, key.tenant().value());
        p.setString(2, key.entity().value());
        p.setString(3, key.attribute());
        String dataset = key.datasetId();
        p.setString(4, dataset == null ? "" : dataset);
    }

    private static boolean inRange(RecordCodec.Entry e, Instant from, Instant to) {
        return !e.before(from) && e.before(to);
    }

    private static int countAtOrAfter(List<RecordCodec.Entry> entries, long startMs) {
        int n = 0;
        for (RecordCodec.Entry e : entries) {
            if (millis(e.time()) >= startMs) {
                n++;
            }
        }
        return n;
    }

    /** Entries whose time is after every entry of the millisecond {@code ms} (their ms is later). */
    private static int countAfter(List<RecordCodec.Entry> entries, long ms) {
        int n = 0;
        for (RecordCodec.Entry e : entries) {
            if (millis(e.time()) > ms) {
                n++;
            }
        }
        return n;
    }

    private static int countBefore(List<RecordCodec.Entry> entries, long endMs) {
        int n = 0;
        for (RecordCodec.Entry e : entries) {
            if (millis(e.time()) < endMs) {
                n++;
            }
        }
        return n;
    }

    /** The time axis in epoch ms, floored, clamped to +-2^62 (monotonic, so index ranges stay supersets). */
    static long millis(Instant t) {
        long s = t.getEpochSecond();
        if (s > MS_LIMIT / 1000) {
            return MS_LIMIT;
        }
        if (s < -MS_LIMIT / 1000) {
            return -MS_LIMIT;
        }
        return s * 1000 + t.getNano() / 1_000_000;
    }

    private static long dayStart(long ms) {
        return Math.floorDiv(ms, DAY_MS) * DAY_MS;
    }

    private void rollbackQuietly(Connection c, Exception primary) {
        try {
            c.rollback();
        } catch (SQLException re) {
            primary.addSuppressed(re);
        }
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("Cannot close a connection of the history store {}", file, e);
        }
    }

    private static TwinException closedError() {
        return new TwinException(ErrorType.INTERNAL_ERROR, "history.closed", "The history store is closed");
    }

    private static TwinException writeFailed(Exception cause) {
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "history.write-failed", "History could not be stored", cause);
    }
}
