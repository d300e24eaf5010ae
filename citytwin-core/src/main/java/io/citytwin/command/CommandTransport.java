package io.citytwin.command;

import java.util.concurrent.CompletableFuture;

/**
 * A way to hand commands to devices (the embedded broker, an external broker). Implementations must not block: {@link
 * #deliver} returns a future.
 */
@FunctionalInterface
public interface CommandTransport {
    /**
     * Tries to hand {@code command} to its device now.
     *
     * @return completes with true once the command was handed over (published to the device's commands topic), false
     *     when the device cannot be reached through this transport now (it stays queued); never exceptionally
     */
    CompletableFuture<Boolean> deliver(Command command);
}
