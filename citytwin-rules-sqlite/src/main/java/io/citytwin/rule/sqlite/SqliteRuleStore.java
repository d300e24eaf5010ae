package io.citytwin.rule.sqlite;

import io.citytwin.rule.RuleStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQLite adapter of {@link RuleStore} in {@code alarms.db}: every version in {@code rule_versions}, the latest
 * (or deleted) one per id in {@code rules}. Thread-safe.
 */
public final class SqliteRuleStore implements RuleStore {
    private final AlarmsDb db;
    private final boolean ownsDb;

    /** A store on a shared database; closing it keeps the db open. */
    public SqliteRuleStore(AlarmsDb db) {
        this(db, false);
    }

    private SqliteRuleStore(AlarmsDb db, boolean ownsDb) {
        this.db = db;
        this.ownsDb = ownsDb;
    }

    /** A store on its own connection to {@code dataDir/alarms.db}, closed with it. */
    public static SqliteRuleStore open(java.nio.file.Path dataDir, java.time.InstantSource clock) {
        return new SqliteRuleStore(AlarmsDb.open(dataDir, clock), true);
    }

    @Override
    public StoredRule save(String id, Map<String, Object> definition, Instant at) {
        synchronized (db.connection) {
            db.checkOpen();
            try {
                int version = 1;
                try (PreparedStatement p =
                        db.connection.prepareStatement("SELECT version, deleted FROM rules WHERE id = ?")) {
                    p.setString(1, id);
                    try (ResultSet rs = p.executeQuery()) {
                        if (rs.next() && rs.getInt(2) == 0) {
                            version = rs.getInt(1) + 1;
                        }
                    }
                }
                if (version == 1) {
                    try (PreparedStatement p =
                            db.connection.prepareStatement("DELETE FROM rule_versions WHERE id = ?")) {
                        p.setString(1, id);
                        p.executeUpdate();
                    }
                }
                Map<String, Object> d = new LinkedHashMap<>(definition);
                d.put("version", version);
                try (PreparedStatement p = db.connection.prepareStatement(
                        "INSERT INTO rule_versions (id, version, definition, saved_at) VALUES (?, ?, ?, ?)")) {
                    p.setString(1, id);
                    p.setInt(2, version);
                    p.setString(3, AlarmsDb.write(d));
                    p.setString(4, at.toString());
                    p.executeUpdate();
                }
                try (PreparedStatement p = db.connection.prepareStatement(
                        "INSERT OR REPLACE INTO rules (id, version, deleted) VALUES (?, ?, 0)")) {
                    p.setString(1, id);
                    p.setInt(2, version);
                    p.executeUpdate();
                }
                db.connection.commit();
                return new StoredRule(id, version, AlarmsDb.read(AlarmsDb.write(d)), at);
            } catch (SQLException e) {
                db.rollback();
                throw AlarmsDb.failed(e, "write");
            }
        }
    }

    @Override
    public List<StoredRule> list() {
        return select(
                "SELECT v.id, v.version, v.definition, v.saved_at FROM rules r JOIN rule_versions v"
                        + " ON v.id = r.id AND v.version = r.version WHERE r.deleted = 0 ORDER BY r.id",
                null);
    }

    @Override
    public Optional<StoredRule> find(String id) {
        List<StoredRule> l = select(
                "SELECT v.id, v.version, v.definition, v.saved_at FROM rules r JOIN rule_versions v"
                        + " ON v.id = r.id AND v.version = r.version WHERE r.deleted = 0 AND r.id = ?",
                id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    @Override
    public List<StoredRule> versions(String id) {
        return select("SELECT id, version, definition, saved_at FROM rule_versions WHERE id = ? ORDER BY version", id);
    }

    @Override
    public boolean delete(String id) {
        synchronized (db.connection) {
            db.checkOpen();
            try (PreparedStatement p =
                    db.connection.prepareStatement("UPDATE rules SET deleted = 1 WHERE id = ? AND deleted = 0")) {
                p.setString(1, id);
                int n = p.executeUpdate();
                db.connection.commit();
                return n > 0;
            } catch (SQLException e) {
                db.rollback();
                throw AlarmsDb.failed(e, "write");
            }
        }
    }

    @Override
    public void close() {
        if (ownsDb) {
            db.close();
        }
    }

    private List<StoredRule> select(String sql, String arg) {
        synchronized (db.connection) {
            db.checkOpen();
            List<StoredRule> out = new ArrayList<>();
            try (PreparedStatement p = db.connection.prepareStatement(sql)) {
                if (arg != null) {
                    p.setString(1, arg);
                }
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredRule(
                                rs.getString(1),
                                rs.getInt(2),
                                AlarmsDb.read(rs.getString(3)),
                                Instant.parse(rs.getString(4))));
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
}
