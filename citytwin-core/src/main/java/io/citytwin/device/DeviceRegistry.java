package io.citytwin.device;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.util.List;
import java.util.Optional;

/**
 * The storage port of the device registry. Adapters: the SQLite one ({@code citytwin-device-sqlite}) and the
 * in-memory fake of the testkit; both pass {@code DeviceRegistryContract}.
 *
 * <p><b>Uniqueness.</b> A device id is unique within its tenant. A username ({@link Credentials.UsernamePassword})
 * is unique across <em>all</em> tenants, because an MQTT CONNECT carries a username and password but no tenant:
 * {@link #findByUsername} must find exactly one device. Tokens are presented together with the tenant and device id,
 * so they need no such rule.
 *
 * <p><b>Times.</b> The registry stores {@link Device#createdAt()} and {@link Device#modifiedAt()} as given (the caller
 * stamps them from its clock), except that {@link #update} keeps the stored {@code createdAt} (and raises a
 * {@code modifiedAt} before it to it).
 *
 * <p>Implementations are thread-safe; every method sees the effects of every method that returned before it was
 * called. Failures of the storage itself are {@link TwinException}s of type InternalError.
 */
public interface DeviceRegistry extends AutoCloseable {

    /**
     * Registers a new device.
     *
     * @return the stored device
     * @throws TwinException AlreadyExists {@code device.already-exists} when the tenant has a device with that id;
     *     AlreadyExists {@code device.username-taken} when any device of any tenant has that username
     */
    Device create(Device device);

    /** The device {@code id} of {@code tenant}, if registered. */
    Optional<Device> get(TenantId tenant, DeviceId id);

    /**
     * A page of the devices of {@code tenant}, ordered by id (by UTF-16 code unit, which for device ids is ASCII
     * order).
     *
     * @param offset how many devices to skip, at least 0
     * @param limit the most devices to return, at least 0
     * @throws TwinException BadRequestData {@code device.paging-invalid} for a negative offset or limit
     */
    List<Device> list(TenantId tenant, int offset, int limit);

    /** How many devices {@code tenant} has. */
    long count(TenantId tenant);

    /**
     * Replaces a registered device (matched by tenant and id), keeping its stored {@code createdAt}.
     *
     * @return the stored device
     * @throws TwinException ResourceNotFound {@code device.not-found} when it is not registered; AlreadyExists {@code
     *     device.username-taken} when another device has the new username
     */
    Device update(Device device);

    /**
     * Unregisters a device.
     *
     * @throws TwinException ResourceNotFound {@code device.not-found} when it is not registered
     */
    void delete(TenantId tenant, DeviceId id);

    /**
     * Every device, of every tenant, that has at least one command mapping ({@link FieldMapping#command()}); read once
     * at start by the command service, so it may scan.
     */
    List<Device> withCommands();

    /** The device (of any tenant) whose credentials have username {@code username}, if any. */
    Optional<Device> findByUsername(String username);

    /** Releases the storage; afterwards every method fails with InternalError {@code device.registry-closed}. */
    @Override
    void close();

    /** The error {@link #create} throws for a duplicate id; shared so that every adapter words it alike. */
    static TwinException alreadyExists(TenantId tenant, DeviceId id) {
        return new TwinException(
                ErrorType.ALREADY_EXISTS,
                "device.already-exists",
                "Device '" + id + "' already exists in tenant '" + tenant + "'");
    }

    /** The error for a username that another device already has. */
    static TwinException usernameTaken(String username) {
        return new TwinException(
                ErrorType.ALREADY_EXISTS,
                "device.username-taken",
                "The device username '" + username + "' is already taken");
    }

    /** The error {@link #update} and {@link #delete} throw for an unknown device. */
    static TwinException notFound(TenantId tenant, DeviceId id) {
        return TwinException.notFound(
                "device.not-found", "Device '" + id + "' does not exist in tenant '" + tenant + "'");
    }

    /** Checks the paging arguments of {@link #list}. */
    static void checkPaging(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw TwinException.badData(
                    "device.paging-invalid", "offset and limit must not be negative (" + offset + ", " + limit + ")");
        }
    }

    /** The error every method throws after {@link #close()}. */
    static TwinException closed() {
        return new TwinException(ErrorType.INTERNAL_ERROR, "device.registry-closed", "The device registry is closed");
    }
}
