package io.citytwin.rule.sqlite;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmPage;
import io.citytwin.alarm.AlarmQuery;
import io.citytwin.alarm.AlarmState;
import io.citytwin.alarm.AlarmStore;
import io.citytwin.alarm.Severity;
import io.citytwin.twin.TenantId;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/*
 * Alarms are rare next to readings (a handful per minute in a city), so one connection and one transaction per save
 * is ample. The filterable members are columns (indexed for the open-alarm lookup of dedup and for the newest-first
 * listing); the alarm itself is a JSON body. synchronous = NORMAL in WAL: a returned save survives a process crash.
 */
/** The SQLite adapter of {@link AlarmStore} in {@code alarms.db}. Thread-safe. */
public final class SqliteAlarmStore implements AlarmStore {
    private final AlarmsDb db;
    private final boolean ownsDb;

    /** A store on a database shared with other stores (the node's {@link AlarmsDb}); closing it keeps the db open. */
    public SqliteAlarmStore(AlarmsDb db) {
        this(db, false);
    }

    private SqliteAlarmStore(AlarmsDb db, boolean ownsDb) {
        this.db = db;
        this.ownsDb = ownsDb;
    }

    /** A store on its own connection to {@code dataDir/alarms.db}, closed with it. */
    public static SqliteAlarmStore open(java.nio.file.Path dataDir, java.time.InstantSource clock) {
        return new SqliteAlarmStore(AlarmsDb.open(dataDir, clock), true);
    }

    @Override
    public void save(Alarm a) {
        synchronized (db.connection) {
            db.checkOpen();
            try (PreparedStatement p = db.connection.prepareStatement("INSERT OR REPLACE INTO alarms"
                    + " (tenant, id, type, domain, severity, state, originator, district, last_nanos, body)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, a.tenant().value());
                p.setString(2, a.id());
                p.setString(3, a.type());
                p.setString(4, a.domain());
                p.setString(5, a.severity().label());
                p.setString(6, a.state().label());
                p.setString(7, a.originator());
                p.setString(8, a.district());
                p.setLong(9, nanos(a.lastOccurrence()));
                p.setString(10, AlarmsDb.write(encode(a)));
                p.executeUpdate();
                db.connection.commit();
            } catch (SQLException e) {
                db.rollback();
                throw AlarmsDb.failed(e, "write");
            }
        }
    }

    @Override
    public Optional<Alarm> find(TenantId tenant, String id) {
        List<Alarm> l = select("SELECT body FROM alarms WHERE tenant = ? AND id = ?", List.of(tenant.value(), id));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public Optional<Alarm> findOpen(TenantId tenant, String originator, String type) {
        List<Alarm> l = select(
                "SELECT body FROM alarms WHERE tenant = ? AND originator = ? AND type = ? AND state != 'cleared'"
                        + " ORDER BY last_nanos DESC LIMIT 1",
                List.of(tenant.value(), originator, type));
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public AlarmPage query(TenantId tenant, AlarmQuery q) {
        StringBuilder where = new StringBuilder(" WHERE tenant = ?");
        List<Object> args = new ArrayList<>();
        args.add(tenant.value());
        in(where, args, "state", q.states().stream().map(AlarmState::label).toList());
        in(where, args, "severity", q.severities().stream().map(Severity::label).toList());
        in(where, args, "domain", q.domains());
        in(where, args, "district", q.districts());
        if (q.originator() != null) {
            where.append(" AND originator = ?");
            args.add(q.originator());
        }
        if (q.type() != null) {
            where.append(" AND type = ?");
            args.add(q.type());
        }
        if (q.since() != null) {
            where.append(" AND last_nanos >= ?");
            args.add(nanos(q.since()));
        }
        long total;
        synchronized (db.connection) {
            db.checkOpen();
            try (PreparedStatement p = db.connection.prepareStatement("SELECT count(*) FROM alarms" + where)) {
                bind(p, args);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
                db.connection.commit();
            } catch (SQLException e) {
                db.rollback();
                throw AlarmsDb.failed(e, "query");
            }
        }
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add((long) q.limit());
        pageArgs.add((long) q.offset());
        List<Alarm> alarms =
                select("SELECT body FROM alarms" + where + " ORDER BY last_nanos DESC, id LIMIT ? OFFSET ?", pageArgs);
        return new AlarmPage(alarms, total);
    }

    @Override
    public List<Alarm> open() {
        return select("SELECT body FROM alarms WHERE state != 'cleared' ORDER BY tenant, last_nanos DESC", List.of());
    }

    @Override
    public void close() {
        if (ownsDb) {
            db.close();
        }
    }

    private static void in(StringBuilder where, List<Object> args, String column, Collection<String> values) {
        if (values.isEmpty()) {
            return;
        }
        where.append(" AND ").append(column).append(" IN (");
        int i = 0;
        for (String v : values) {
            where.append(i++ == 0 ? "?" : ", ?");
            args.add(v);
        }
        where.append(')');
    }

    private static void bind(PreparedStatement p, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) {
                p.setLong(i + 1, l);
            } else {
                p.setString(i + 1, (String) a);
            }
        }
    }

    private List<Alarm> select(String sql, List<Object> args) {
        synchronized (db.connection) {
            db.checkOpen();
            List<Alarm> out = new ArrayList<>();
            try (PreparedStatement p = db.connection.prepareStatement(sql)) {
                bind(p, args);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(decode(AlarmsDb.read(rs.getString(1))));
                    }
                }
                db.connection.commit();
            } catch (SQLException e) {
                db.rollback();
                throw AlarmsDb.failed(e, "read");
            }
            return out;
        }
    }

    private static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    // ---------------------------------------------------------------- codec

    private static Map<String, Object> encode(Alarm a) {
        Map<String, Object> m = a.toJson();
        m.put("tenant", a.tenant().value());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Alarm decode(Map<String, Object> m) {
        return new Alarm(
                (String) m.get("id"),
                new TenantId((String) m.get("tenant")),
                (String) m.get("type"),
                Severity.of((String) m.get("severity")),
                AlarmState.of((String) m.get("state")),
                (String) m.get("originator"),
                (String) m.get("originatorType"),
                (String) m.get("district"),
                (Map<String, Object>) m.get("location"),
                (String) m.get("rule"),
                (String) m.get("description"),
                ((Number) m.get("count")).longValue(),
                Instant.parse((String) m.get("firstOccurrence")),
                Instant.parse((String) m.get("lastOccurrence")),
                instant(m.get("acknowledgedAt")),
                (String) m.get("acknowledgedBy"),
                instant(m.get("clearedAt")),
                (String) m.get("clearedBy"),
                (String) m.get("note"),
                (Map<String, Object>) m.get("details"));
    }

    private static @Nullable Instant instant(@Nullable Object o) {
        return o == null ? null : Instant.parse((String) o);
    }
}
