package io.citytwin.command;

import io.citytwin.device.DeviceId;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The port of the durable command queue. Every method returns only once its change is durable (survives a crash of
 * the process). Implementations are thread-safe.
 */
public interface CommandStore extends AutoCloseable {

    /**
     * Stores new commands, ignoring any whose id is already stored (a replayed change).
     *
     * @return the commands that were new, in the given order
     */
    List<Command> insert(List<Command> commands);

    /** Replaces stored commands (matched by id) with these; unknown ids are ignored. */
    void update(List<Command> commands);

    /** The command {@code id} of a device, if stored. */
    Optional<Command> find(TenantId tenant, DeviceId device, String id);

    /** Every open (pending or delivered) command of every device, ordered by issue time then id. */
    List<Command> open();

    /**
     * Deletes finished commands (not open) whose status changed before {@code before}.
     *
     * @return how many were deleted
     */
    int prune(Instant before);

    /** Deletes every command of a device (it was unregistered). */
    void deleteDevice(TenantId tenant, DeviceId device);

    @Override
    void close();
}
