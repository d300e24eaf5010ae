package io.citytwin.incident.sqlite;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.incident.Catalogue;
import io.citytwin.incident.Incident;
import io.citytwin.incident.IncidentPage;
import io.citytwin.incident.IncidentQuery;
import io.citytwin.incident.IncidentStatus;
import io.citytwin.incident.IncidentStore;
import io.citytwin.incident.Report;
import io.citytwin.incident.Task;
import io.citytwin.incident.TimelineEntry;
import io.citytwin.sqlite.Sqlite;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/*
 * Incidents change at human rates (a few per minute in a city), so one connection and one transaction per change
 * is ample. The filterable members are columns (indexed for the newest-first listing and the unclosed scan of the
 * SLA monitor); the incident, entries, tasks and reports are JSON bodies in their API form (one codec, the core's).
 * The timeline is append-only twice over: the primary key (tenant, incident, seq) refuses a second entry with a seq,
 * and triggers abort every UPDATE and DELETE of the table and an INSERT OR REPLACE of an existing entry, so not even a bug in this adapter can rewrite history.
 * synchronous = NORMAL in WAL: a returned commit survives a process crash.
 */
/** The SQLite adapter of {@link IncidentStore} in {@code dataDir/incidents.db}. Thread-safe. */
public final class SqliteIncidentStore implements IncidentStore {
    /** The name of the database file inside the data directory. */
    public static final String FILE_NAME = "incidents.db";

    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE incidents ("
                    + " tenant TEXT NOT NULL,"
                    + " id TEXT NOT NULL,"
                    + " status TEXT NOT NULL,"
                    + " district TEXT,"
                    + " department TEXT,"
                    + " category TEXT NOT NULL,"
                    + " type TEXT NOT NULL,"
                    + " source TEXT NOT NULL,"
                    + " created_nanos INTEGER NOT NULL,"
                    + " updated_nanos INTEGER NOT NULL,"
                    + " body TEXT NOT NULL,"
                    + " PRIMARY KEY (tenant, id)) WITHOUT ROWID",
            "CREATE INDEX incidents_updated ON incidents (tenant, updated_nanos DESC, id DESC)",
            "CREATE INDEX incidents_created ON incidents (tenant, created_nanos)",
            "CREATE INDEX incidents_unclosed ON incidents (status) WHERE status != 'closed'",
            "CREATE TABLE timeline ("
                    + " tenant TEXT NOT NULL,"
                    + " incident TEXT NOT NULL,"
                    + " seq INTEGER NOT NULL,"
                    + " body TEXT NOT NULL,"
                    + " PRIMARY KEY (tenant, incident, seq)) WITHOUT ROWID",
            "CREATE TRIGGER timeline_no_update BEFORE UPDATE ON timeline"
                    + " BEGIN SELECT RAISE(ABORT, 'timeline is append-only'); END",
            "CREATE TRIGGER timeline_no_delete BEFORE DELETE ON timeline"
                    + " BEGIN SELECT RAISE(ABORT, 'timeline is append-only'); END",
            // INSERT OR REPLACE deletes the old row without firing delete triggers (recursive_triggers is off)
            "CREATE TRIGGER timeline_no_replace BEFORE INSERT ON timeline WHEN EXISTS (SELECT 1 FROM timeline"
                    + " WHERE tenant = NEW.tenant AND incident = NEW.incident AND seq = NEW.seq)"
                    + " BEGIN SELECT RAISE(ABORT, 'timeline is append-only'); END",
            "CREATE TABLE tasks ("
                    + " tenant TEXT NOT NULL,"
                    + " incident TEXT NOT NULL,"
                    + " id TEXT NOT NULL,"
                    + " created_nanos INTEGER NOT NULL,"
                    + " body TEXT NOT NULL,"
                    + " PRIMARY KEY (tenant, incident, id)) WITHOUT ROWID",
            "CREATE TABLE reports ("
                    + " tenant TEXT NOT NULL,"
                    + " incident TEXT NOT NULL,"
                    + " id TEXT NOT NULL,"
                    + " pos INTEGER NOT NULL,"
                    + " body TEXT NOT NULL,"
                    + " PRIMARY KEY (tenant, incident, id)) WITHOUT ROWID",
            "CREATE INDEX reports_id ON reports (tenant, id)",
            "CREATE TABLE catalogues (tenant TEXT NOT NULL PRIMARY KEY, body TEXT NOT NULL)",
            "CREATE TABLE sequences (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL)"));

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private final Connection connection;
    private boolean closed;

    private SqliteIncidentStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens (creating when needed) {@code dataDir/incidents.db} at the current schema.
     *
     * @throws TwinException InternalError {@code incident.open-failed} when it cannot be opened, {@code
     *     incident.schema-too-new} when a newer CityTwin wrote it
     */
    public static SqliteIncidentStore open(Path dataDir, InstantSource clock) {
        return new SqliteIncidentStore(
                Sqlite.openMigrated(dataDir, FILE_NAME, 2 * 1024, MIGRATIONS, clock, "incident", "incident store"));
    }

    @Override
    public long next(String sequence) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement("INSERT INTO sequences (name, value) VALUES (?, 1)"
                    + " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value")) {
                p.setString(1, sequence);
                long v;
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    v = rs.getLong(1);
                }
                connection.commit();
                return v;
            } catch (SQLException e) {
                rollback();
                throw failed(e, "sequence");
            }
        }
    }

    @Override
    public void commit(Change c) {
        Incident i = c.incident();
        String tenant = c.tenant().value();
        synchronized (connection) {
            checkOpen();
            try {
                try (PreparedStatement p = connection.prepareStatement("INSERT OR REPLACE INTO incidents"
                        + " (tenant, id, status, district, department, category, type, source, created_nanos,"
                        + " updated_nanos, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    p.setString(1, tenant);
                    p.setString(2, i.id());
                    p.setString(3, i.status().label());
                    p.setString(4, i.district());
                    p.setString(5, i.department());
                    p.setString(6, i.category().label());
                    p.setString(7, i.type().label());
                    p.setString(8, i.source().label());
                    p.setLong(9, nanos(i.createdAt()));
                    p.setLong(10, nanos(i.updatedAt()));
                    p.setString(11, write(i.toJson()));
                    p.executeUpdate();
                }
                if (!c.entries().isEmpty()) {
                    long last = 0;
                    try (PreparedStatement p = connection.prepareStatement(
                            "SELECT max(seq) FROM timeline WHERE tenant = ? AND incident = ?")) {
                        p.setString(1, tenant);
                        p.setString(2, i.id());
                        try (ResultSet rs = p.executeQuery()) {
                            if (rs.next()) {
                                last = rs.getLong(1);
                            }
                        }
                    }
                    try (PreparedStatement p = connection.prepareStatement(
                            "INSERT INTO timeline (tenant, incident, seq, body) VALUES (?, ?, ?, ?)")) {
                        for (TimelineEntry e : c.entries()) {
                            if (!e.incident().equals(i.id()) || e.seq() <= last) {
                                throw new TwinException(
                                        ErrorType.INTERNAL_ERROR,
                                        "incident.timeline-append-only",
                                        "Timeline entry " + e.seq() + " of " + e.incident()
                                                + " exists or is out of order");
                            }
                            last = e.seq();
                            p.setString(1, tenant);
                            p.setString(2, e.incident());
                            p.setLong(3, e.seq());
                            p.setString(4, write(e.toJson()));
                            p.executeUpdate();
                        }
                    }
                }
                if (!c.tasks().isEmpty()) {
                    try (PreparedStatement p = connection.prepareStatement(
                            "INSERT INTO tasks (tenant, incident, id, created_nanos, body) VALUES (?, ?, ?, ?, ?)"
                                    + " ON CONFLICT (tenant, incident, id) DO UPDATE SET body = excluded.body")) {
                        for (Task t : c.tasks()) {
                            p.setString(1, tenant);
                            p.setString(2, t.incident());
                            p.setString(3, t.id());
                            p.setLong(4, nanos(t.createdAt()));
                            p.setString(5, write(t.toJson()));
                            p.executeUpdate();
                        }
                    }
                }
                if (!c.reports().isEmpty()) {
                    try (PreparedStatement p = connection.prepareStatement(
                            "INSERT INTO reports (tenant, incident, id, pos, body) VALUES (?, ?, ?,"
                                    + " (SELECT count(*) FROM reports WHERE tenant = ? AND incident = ?), ?)")) {
                        for (Report r : c.reports()) {
                            p.setString(1, tenant);
                            p.setString(2, r.incident());
                            p.setString(3, r.id());
                            p.setString(4, tenant);
                            p.setString(5, r.incident());
                            p.setString(6, write(r.toJson()));
                            p.executeUpdate();
                        }
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                rollback();
                throw failed(e, "write");
            } catch (RuntimeException e) {
                rollback();
                throw e;
            }
        }
    }

    @Override
    public Optional<Incident> find(TenantId tenant, String id) {
        List<Incident> l = select(
                "SELECT body FROM incidents WHERE tenant = ? AND id = ?",
                List.of(tenant.value(), id),
                incident(tenant));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public IncidentPage query(TenantId tenant, IncidentQuery q) {
        StringBuilder where = new StringBuilder(" WHERE tenant = ?");
        List<Object> args = new ArrayList<>();
        args.add(tenant.value());
        if (!q.statuses().isEmpty()) {
            where.append(" AND status IN (");
            int k = 0;
            for (IncidentStatus s : q.statuses()) {
                where.append(k++ == 0 ? "?" : ", ?");
                args.add(s.label());
            }
            where.append(')');
        }
        eq(where, args, "district", q.district());
        eq(where, args, "department", q.department());
        eq(where, args, "category", q.category() == null ? null : q.category().label());
        eq(where, args, "type", q.type() == null ? null : q.type().label());
        eq(where, args, "source", q.source() == null ? null : q.source().label());
        long total = select("SELECT count(*) FROM incidents" + where, args, rs -> {
                    try {
                        return rs.getLong(1);
                    } catch (SQLException e) {
                        throw failed(e, "query");
                    }
                })
                .get(0);
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add((long) q.limit());
        pageArgs.add((long) q.offset());
        List<Incident> page = select(
                "SELECT body FROM incidents" + where + " ORDER BY updated_nanos DESC, id DESC LIMIT ? OFFSET ?",
                pageArgs,
                incident(tenant));
        return new IncidentPage(page, total);
    }

    @Override
    public List<Incident> unclosed() {
        return select(
                "SELECT tenant, body FROM incidents WHERE status != 'closed' ORDER BY tenant, created_nanos, id",
                List.of(),
                rs -> {
                    try {
                        return Incident.fromJson(new TenantId(rs.getString(1)), read(rs.getString(2)));
                    } catch (SQLException e) {
                        throw failed(e, "query");
                    }
                });
    }

    @Override
    public List<Incident> createdBetween(TenantId tenant, Instant from, Instant to) {
        return select(
                "SELECT body FROM incidents WHERE tenant = ? AND created_nanos >= ? AND created_nanos < ?"
                        + " ORDER BY created_nanos, id",
                List.of(tenant.value(), nanos(from), nanos(to)),
                incident(tenant));
    }

    @Override
    public List<TimelineEntry> timeline(TenantId tenant, String incident) {
        return select(
                "SELECT body FROM timeline WHERE tenant = ? AND incident = ? ORDER BY seq",
                List.of(tenant.value(), incident),
                body(TimelineEntry::fromJson));
    }

    @Override
    public List<Task> tasks(TenantId tenant, String incident) {
        return select(
                "SELECT body FROM tasks WHERE tenant = ? AND incident = ? ORDER BY created_nanos," + " length(id), id",
                List.of(tenant.value(), incident),
                body(Task::fromJson));
    }

    @Override
    public List<Report> reports(TenantId tenant, String incident) {
        return select(
                "SELECT body FROM reports WHERE tenant = ? AND incident = ? ORDER BY pos",
                List.of(tenant.value(), incident),
                body(Report::fromJson));
    }

    @Override
    public Optional<String> incidentOfReport(TenantId tenant, String reportId) {
        List<String> l = select(
                "SELECT incident FROM reports WHERE tenant = ? AND id = ?", List.of(tenant.value(), reportId), rs -> {
                    try {
                        return rs.getString(1);
                    } catch (SQLException e) {
                        throw failed(e, "query");
                    }
                });
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public Optional<Catalogue> catalogue(TenantId tenant) {
        List<Catalogue> l = select(
                "SELECT body FROM catalogues WHERE tenant = ?",
                List.of(tenant.value()),
                body(m -> Catalogue.fromJson(m, Catalogue.defaults(ZoneOffset.UTC))));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public void saveCatalogue(TenantId tenant, Catalogue catalogue) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p =
                    connection.prepareStatement("INSERT OR REPLACE INTO catalogues (tenant, body) VALUES (?, ?)")) {
                p.setString(1, tenant.value());
                p.setString(2, write(catalogue.toJson()));
                p.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                rollback();
                throw failed(e, "write");
            }
        }
    }

    /** Runs a raw statement on the database (tests: prove the timeline refuses UPDATE and DELETE). */
    void execute(String sql) throws SQLException {
        synchronized (connection) {
            try (var s = connection.createStatement()) {
                s.execute(sql);
                connection.commit();
            } catch (SQLException e) {
                rollback();
                throw e;
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

    private static Function<ResultSet, Incident> incident(TenantId tenant) {
        return body(m -> Incident.fromJson(tenant, m));
    }

    private static <T> Function<ResultSet, T> body(Function<Map<String, Object>, T> decode) {
        return rs -> {
            try {
                return decode.apply(read(rs.getString(1)));
            } catch (SQLException e) {
                throw failed(e, "query");
            }
        };
    }

    private <T> List<T> select(String sql, List<Object> args, Function<ResultSet, T> row) {
        synchronized (connection) {
            checkOpen();
            try (PreparedStatement p = connection.prepareStatement(sql)) {
                for (int k = 0; k < args.size(); k++) {
                    Object a = args.get(k);
                    if (a instanceof Long l) {
                        p.setLong(k + 1, l);
                    } else {
                        p.setString(k + 1, (String) a);
                    }
                }
                List<T> out = new ArrayList<>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(row.apply(rs));
                    }
                }
                connection.commit();
                return out;
            } catch (SQLException e) {
                rollback();
                throw failed(e, "query");
            }
        }
    }

    private static void eq(StringBuilder where, List<Object> args, String column, String value) {
        if (value != null) {
            where.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "incident.closed", "The incident store is closed");
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the original failure is reported
        }
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    private static TwinException failed(Exception e, String what) {
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "incident.store-failed", "Incident store " + what + " failed", e);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw failed(e, "encoding");
        }
    }

    private static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw failed(e, "decoding");
        }
    }
}
