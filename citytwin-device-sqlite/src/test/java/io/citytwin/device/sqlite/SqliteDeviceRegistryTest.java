package io.citytwin.device.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.device.Credentials;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.PayloadFormat;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.device.DeviceRegistryContract;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteDeviceRegistryTest extends DeviceRegistryContract {
    @Override
    protected DeviceRegistry open(Path dir) {
        return SqliteDeviceRegistry.open(dir, new FakeClock());
    }

    @Test
    void open_newDirectory_createsWalDatabaseAtCurrentSchema() throws Exception {
        Path data = dir.resolve("nested/data");
        SqliteDeviceRegistry.open(data).close();
        assertThat(data.resolve(SqliteDeviceRegistry.FILE_NAME)).exists();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("devices.db"));
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(DeviceSchema.CURRENT);
            }
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
    }

    @Test
    void open_schemaFromNewerVersion_isRefused() throws Exception {
        SqliteDeviceRegistry.open(dir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("devices.db"));
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
        }
        assertThatThrownBy(() -> SqliteDeviceRegistry.open(dir))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "device.schema-too-new");
    }

    @Test
    void create_storesHashesOnly_neverTheSecrets() throws Exception {
        String password = "Very-Secret-Password-4711";
        String token = "tok-Very-Secret-Token-0815";
        PasswordHash passwordHash = PasswordHash.create(password.toCharArray(), TEST_ITERATIONS);
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir)) {
            registry.create(new Device(
                    DeviceId.of("d1"),
                    CITY_A,
                    EntityId.of("urn:ngsi-ld:Sensor:1"),
                    "Sensor",
                    new Credentials.UsernamePassword("sensor-1", passwordHash),
                    PayloadFormat.JSON,
                    List.of(),
                    null,
                    CREATED,
                    CREATED));
            registry.create(new Device(
                    DeviceId.of("d2"),
                    TenantId.DEFAULT,
                    EntityId.of("urn:ngsi-ld:Sensor:2"),
                    "Sensor",
                    new Credentials.Token(PasswordHash.create(token.toCharArray(), TEST_ITERATIONS)),
                    PayloadFormat.JSON,
                    List.of(),
                    null,
                    CREATED,
                    CREATED));
            // still open: the rows may sit in the WAL, so check every file of the database
            assertNoFileContains(password, token);
        }
        assertNoFileContains(password, token);
        String db = new String(Files.readAllBytes(dir.resolve("devices.db")), StandardCharsets.ISO_8859_1);
        assertThat(db).contains(passwordHash.encoded()); // the check above looks at the right bytes
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir)) {
            assertThat(registry.findByUsername("sensor-1")
                            .orElseThrow()
                            .credentials()
                            .hash()
                            .matches(password.toCharArray()))
                    .isTrue();
        }
    }

    @Test
    void get_corruptRecord_isInternalErrorNotBadRequest() throws Exception {
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir)) {
            registry.create(fullDevice(CITY_A, "d1"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("devices.db"));
                Statement s = c.createStatement()) {
            s.execute("UPDATE devices SET mapping = '{not json'");
        }
        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dir)) {
            assertThatThrownBy(() -> registry.get(CITY_A, DeviceId.of("d1")))
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("code", "device.corrupt-record");
        }
    }

    private void assertNoFileContains(String... secrets) throws Exception {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                String latin = new String(bytes, StandardCharsets.ISO_8859_1);
                String utf16 = new String(bytes, StandardCharsets.UTF_16LE);
                for (String secret : secrets) {
                    assertThat(latin).as(f.toString()).doesNotContain(secret);
                    assertThat(utf16).as(f.toString()).doesNotContain(secret);
                }
            }
        }
    }
}
