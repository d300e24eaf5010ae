package io.citytwin.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class DeviceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PasswordHash HASH = PasswordHash.create("pw".toCharArray(), 1_000);

    private static Device device(String entityType, List<FieldMapping> mapping, String cn, Instant modified) {
        return new Device(
                DeviceId.of("d1"),
                TenantId.DEFAULT,
                EntityId.of("urn:ngsi-ld:Sensor:1"),
                entityType,
                new Credentials.UsernamePassword("user", HASH),
                PayloadFormat.JSON,
                mapping,
                cn,
                T0,
                modified);
    }

    private static void assertBadData(ThrowingCallable call, String code) {
        assertThatThrownBy(call)
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("type", ErrorType.BAD_REQUEST_DATA)
                .hasFieldOrPropertyWithValue("code", code);
    }

    @Test
    void deviceId_validValues_areAccepted() {
        for (String id : List.of("a", "sensor-1", "urn:dev:01.02_x", "Z".repeat(128))) {
            assertThat(DeviceId.of(id).value()).isEqualTo(id);
            assertThat(DeviceId.isValid(id)).isTrue();
        }
    }

    @Test
    void deviceId_invalidValues_areDeviceIdInvalid() {
        for (String id : new String[] {"", "a b", "a/b", "é", "x".repeat(129), "a#b", "a+b"}) {
            assertThat(DeviceId.isValid(id)).as(id).isFalse();
            assertBadData(() -> DeviceId.of(id), "device.id-invalid");
        }
        assertBadData(() -> new DeviceId(null), "device.id-invalid");
    }

    @Test
    void device_validValue_keepsFieldsAndCopiesMapping() {
        List<FieldMapping> mapping = new ArrayList<>();
        mapping.add(new FieldMapping("t", "temperature", "CEL", 0.1, -40, ValueType.NUMBER));
        Device d = device("Sensor", mapping, "CN=x", T0);
        mapping.clear();
        assertThat(d.mapping()).hasSize(1);
        assertThat(d.mappingOf("t")).isPresent();
        assertThat(d.mappingOf("h")).isEmpty();
        assertThat(d.username()).contains("user");
        assertThat(d.mapping().get(0).transforms()).isTrue();
        assertThat(new FieldMapping("h", "humidity").transforms()).isFalse();
    }

    @Test
    void device_invalidParts_haveStableCodes() {
        assertBadData(() -> device("bad type", List.of(), null, T0), "device.entity-type-invalid");
        assertBadData(() -> device("", List.of(), null, T0), "device.entity-type-invalid");
        assertBadData(
                () -> device("Sensor", List.of(new FieldMapping("t", "a"), new FieldMapping("t", "b")), null, T0),
                "device.mapping-duplicate-field");
        assertBadData(() -> device("Sensor", List.of(), "", T0), "device.certificate-cn-invalid");
        assertBadData(() -> device("Sensor", List.of(), "a\nb", T0), "device.certificate-cn-invalid");
        assertBadData(() -> device("Sensor", List.of(), null, T0.minusSeconds(1)), "device.times-invalid");
        assertBadData(
                () -> new Device(
                        DeviceId.of("d1"),
                        TenantId.DEFAULT,
                        EntityId.of("urn:ngsi-ld:Sensor:1"),
                        "Sensor",
                        null,
                        PayloadFormat.JSON,
                        List.of(),
                        null,
                        T0,
                        T0),
                "device.credentials-missing");
    }

    @Test
    void fieldMapping_invalidParts_haveStableCodes() {
        assertBadData(() -> new FieldMapping("", "a"), "device.mapping-field-invalid");
        assertBadData(() -> new FieldMapping("a\u0000", "a"), "device.mapping-field-invalid");
        assertBadData(() -> new FieldMapping("t", "bad name"), "device.mapping-attribute-invalid");
        assertBadData(() -> new FieldMapping("t", "a=b"), "device.mapping-attribute-invalid");
        assertBadData(() -> new FieldMapping("t", "a", "°C", 1, 0, ValueType.NUMBER), "device.mapping-unit-invalid");
        assertBadData(() -> new FieldMapping("t", "a", null, 0, 0, ValueType.NUMBER), "device.mapping-scale-invalid");
        assertBadData(
                () -> new FieldMapping("t", "a", null, Double.NaN, 0, ValueType.NUMBER),
                "device.mapping-scale-invalid");
        assertBadData(
                () -> new FieldMapping("t", "a", null, 1, Double.POSITIVE_INFINITY, ValueType.NUMBER),
                "device.mapping-offset-invalid");
        assertBadData(() -> new FieldMapping("t", "a", null, 1, 0, null), "device.mapping-type-invalid");
    }

    @Test
    void credentials_invalidUsername_isUsernameInvalid() {
        for (String u : new String[] {"", "a b", "tab\t", "x".repeat(129)}) {
            assertBadData(() -> new Credentials.UsernamePassword(u, HASH), "device.username-invalid");
        }
        assertBadData(() -> new Credentials.Token(null), "device.credentials-missing");
    }

    @Test
    void toString_ofDeviceAndCredentials_showsNoHash() {
        String[] parts = HASH.encoded().split("\\$");
        Device d = device("Sensor", List.of(), null, T0);
        Credentials.Token token = new Credentials.Token(HASH);
        for (String s : List.of(d.toString(), token.toString(), d.credentials().toString())) {
            assertThat(s).doesNotContain(parts[2]).doesNotContain(parts[3]).doesNotContain(HASH.encoded());
        }
        assertThat(d.toString()).contains("username=user");
    }
}
