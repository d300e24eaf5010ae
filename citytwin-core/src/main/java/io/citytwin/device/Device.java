package io.citytwin.device;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A registered device: who it is, which twin entity it feeds, how it authenticates and how its payloads map onto
 * attributes. Immutable; {@code toString()} shows no secret material (see {@link Credentials}).
 *
 * @param id unique within {@code tenant}
 * @param tenant the tenant whose twin the device feeds
 * @param entityId the twin entity the device's measurements update
 * @param entityType the NGSI-LD type of that entity (used when the entity is created), 1 to 256 characters without
 *     whitespace or control characters
 * @param credentials how the device authenticates
 * @param format how its payloads are encoded
 * @param mapping device field to attribute, at most one mapping per device field, in the order given (at most
 *     {@link #MAX_MAPPINGS}); unmapped fields are handled by the ingestion policy
 * @param certificateCn the common name of the client certificate the device must present (mutual TLS), or null
 * @param createdAt when the device was registered
 * @param modifiedAt when it was last changed, not before {@code createdAt}
 */
public record Device(
        DeviceId id,
        TenantId tenant,
        EntityId entityId,
        String entityType,
        Credentials credentials,
        PayloadFormat format,
        List<FieldMapping> mapping,
        @Nullable String certificateCn,
        Instant createdAt,
        Instant modifiedAt) {
    public static final int MAX_MAPPINGS = 1024;

    public Device {
        require(id, "id");
        require(tenant, "tenant");
        require(entityId, "entityId");
        require(credentials, "credentials");
        require(format, "format");
        require(mapping, "mapping");
        require(createdAt, "createdAt");
        require(modifiedAt, "modifiedAt");
        if (!isValidTypeName(entityType)) {
            throw TwinException.badData(
                    "device.entity-type-invalid",
                    "Invalid entity type '" + entityType
                            + "': 1-256 characters without whitespace or control characters");
        }
        mapping = List.copyOf(mapping);
        if (mapping.size() > MAX_MAPPINGS) {
            throw TwinException.badData(
                    "device.mapping-too-large", "A device may map at most " + MAX_MAPPINGS + " fields");
        }
        Set<String> fields = new HashSet<>();
        for (FieldMapping m : mapping) {
            if (!fields.add(m.deviceField())) {
                throw TwinException.badData(
                        "device.mapping-duplicate-field",
                        "Device field '" + m.deviceField() + "' is mapped more than once");
            }
        }
        if (certificateCn != null && !isValidCn(certificateCn)) {
            throw TwinException.badData(
                    "device.certificate-cn-invalid",
                    "A certificate CN must have 1 to 256 characters without control characters");
        }
        if (modifiedAt.isBefore(createdAt)) {
            throw TwinException.badData(
                    "device.times-invalid", "modifiedAt " + modifiedAt + " is before createdAt " + createdAt);
        }
    }

    /** The username of {@link Credentials.UsernamePassword} credentials, empty for a token. */
    public Optional<String> username() {
        return credentials instanceof Credentials.UsernamePassword up ? Optional.of(up.username()) : Optional.empty();
    }

    /** The mapping of {@code deviceField}, if any. Linear in the number of mappings. */
    public Optional<FieldMapping> mappingOf(String deviceField) {
        for (FieldMapping m : mapping) {
            if (m.deviceField().equals(deviceField)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** This device with other credentials and {@code modifiedAt}. */
    public Device withCredentials(Credentials value, Instant modified) {
        return new Device(id, tenant, entityId, entityType, value, format, mapping, certificateCn, createdAt, modified);
    }

    private static void require(@Nullable Object value, String name) {
        if (value == null) {
            throw TwinException.badData("device." + name + "-missing", "The device's " + name + " is missing");
        }
    }

    private static boolean isValidTypeName(@Nullable String s) {
        if (s == null || s.isEmpty() || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || Character.isISOControl(c) || Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidCn(String s) {
        if (s.isEmpty() || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
