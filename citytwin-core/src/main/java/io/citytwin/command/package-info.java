/**
 * Commands down to devices. A device's mapping may declare attributes as commands ({@link
 * io.citytwin.device.FieldMapping#command()}); when anyone but the device changes such an attribute of the entity the
 * device feeds, {@link io.citytwin.command.CommandService} (a consumer of the change event log) queues a {@link
 * io.citytwin.command.Command} durably in a {@link io.citytwin.command.CommandStore}, hands it to the device through a
 * {@link io.citytwin.command.CommandTransport} (MQTT, or an HTTP poll), records the device's acknowledgement and
 * expires commands that were not acknowledged in time. The status is written onto the entity as the Property
 * {@code <attribute>_status}, so rules and subscriptions see it.
 */
@NullMarked
package io.citytwin.command;

import org.jspecify.annotations.NullMarked;
