package io.citytwin.rule.sqlite;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.citytwin.sqlite.Sqlite;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The database {@code alarms.db}: its schema, migrations and JSON codec. One connection is shared by the alarm
 * store and the rule store of a node ({@link #open}); every use synchronizes on the connection.
 */
public final class AlarmsDb implements AutoCloseable {
    /** The name of the database file inside the data directory. */
    public static final String FILE_NAME = "alarms.db";

    /** Migration {@code i} brings the schema from version {@code i} to {@code i + 1}. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE TABLE alarms ("
                    + " tenant TEXT NOT NULL,"
                    + " id TEXT NOT NULL,"
                    + " type TEXT NOT NULL,"
                    + " domain TEXT NOT NULL,"
                    + " severity TEXT NOT NULL,"
                    + " state TEXT NOT NULL,"
                    + " originator TEXT NOT NULL,"
                    + " district TEXT,"
                    + " last_nanos INTEGER NOT NULL," // lastOccurrence, epoch nanoseconds: sorts
                    + " body TEXT NOT NULL," // the whole alarm as JSON (AlarmCodec)
                    + " PRIMARY KEY (tenant, id)) WITHOUT ROWID",
            "CREATE INDEX alarms_open ON alarms (tenant, originator, type) WHERE state != 'cleared'",
            "CREATE INDEX alarms_last ON alarms (tenant, last_nanos DESC, id)",
            "CREATE TABLE rule_versions ("
                    + " id TEXT NOT NULL,"
                    + " version INTEGER NOT NULL,"
                    + " definition TEXT NOT NULL," // JSON
                    + " saved_at TEXT NOT NULL,"
                    + " PRIMARY KEY (id, version)) WITHOUT ROWID",
            "CREATE TABLE rules (id TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, deleted INTEGER NOT NULL)"));

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .registerModule(new SimpleModule().addSerializer(Json.Null.class, new JsonSerializer<Json.Null>() {
                @Override
                public void serialize(Json.Null value, JsonGenerator gen, SerializerProvider provider)
                        throws IOException {
                    gen.writeNull();
                }
            }));

    final Connection connection;
    private boolean closed;

    private AlarmsDb(Connection connection) {
        this.connection = connection;
    }

    /**
     * Opens (creating when needed) {@code dataDir/alarms.db} at the current schema.
     *
     * @throws TwinException InternalError {@code alarm.open-failed} when it cannot be opened, {@code
     *     alarm.schema-too-new} when a newer CityTwin wrote it
     */
    public static AlarmsDb open(Path dataDir, InstantSource clock) {
        return new AlarmsDb(
                Sqlite.openMigrated(dataDir, FILE_NAME, 4 * 1024, MIGRATIONS, clock, "alarm", "alarm store"));
    }

    void checkOpen() {
        if (closed) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "alarm.closed", "The alarm store is closed");
        }
    }

    static TwinException failed(Exception e, String what) {
        try {
            return new TwinException(
                    ErrorType.INTERNAL_ERROR, "alarm.store-failed", "Alarm store " + what + " failed", e);
        } finally {
            // nothing to undo: callers roll back
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw failed(e, "encoding");
        }
    }

    static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw failed(e, "decoding");
        }
    }

    void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the original failure is reported
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
}
