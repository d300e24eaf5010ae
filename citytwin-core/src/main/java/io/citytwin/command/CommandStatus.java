package io.citytwin.command;

/** Where a command is in its life (the names are also its status values on the entity and on the wire). */
public enum CommandStatus {
    /** Queued; not yet handed to the device (it is offline, or an HTTP device has not polled yet). */
    PENDING,
    /** Handed to the device (published to its commands topic, or returned by its poll); no answer yet. */
    DELIVERED,
    /** The device acknowledged it as done. */
    OK,
    /** The device acknowledged it as failed. */
    ERROR,
    /** No acknowledgement before the command's deadline, or dropped from a full queue, or superseded. */
    EXPIRED;

    /** Whether the command still waits for the device (pending or delivered). */
    public boolean open() {
        return this == PENDING || this == DELIVERED;
    }
}
