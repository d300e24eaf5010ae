package io.citytwin.command;

import io.citytwin.device.DeviceId;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One command to a device: set {@code name} (the device's field) to {@code value} (in the device's units).
 *
 * @param id unique command id (a UUID; derived from the change that caused it, so a replayed change gives the same id)
 * @param tenant the device's tenant
 * @param device the device
 * @param entityId the entity whose attribute changed
 * @param attribute the expanded name of the command attribute on that entity
 * @param name the command name: the device field the attribute maps to
 * @param value the value for the device (the attribute's value with the mapping's linear transform undone), in the
 *     canonical {@link io.citytwin.twin.Json} shape
 * @param issuedAt when the attribute change was made
 * @param expiresAt after this instant an unacknowledged command is {@link CommandStatus#EXPIRED}
 * @param status where the command is
 * @param info the device's (or the platform's) explanation of the status, or null
 * @param updatedAt when the status last changed
 */
public record Command(
        String id,
        TenantId tenant,
        DeviceId device,
        EntityId entityId,
        String attribute,
        String name,
        Object value,
        Instant issuedAt,
        Instant expiresAt,
        CommandStatus status,
        @Nullable String info,
        Instant updatedAt) {

    /** Longest {@link #info} kept; longer texts are cut. */
    public static final int MAX_INFO = 1024;

    public Command {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(entityId, "entityId");
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (info != null && info.length() > MAX_INFO) {
            info = info.substring(0, MAX_INFO);
        }
    }

    /** This command in another status. */
    public Command with(CommandStatus newStatus, @Nullable String newInfo, Instant at) {
        return new Command(
                id, tenant, device, entityId, attribute, name, value, issuedAt, expiresAt, newStatus, newInfo, at);
    }
}
