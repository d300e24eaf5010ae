package io.citytwin.subscription;

import io.citytwin.twin.Entity;
import java.time.Instant;
import java.util.List;

/**
 * Renders the NGSI-LD notification for entities (clause 5.3.1 Notification: {@code id}, {@code type}, {@code
 * subscriptionId}, {@code notifiedAt}, {@code data}) in the subscription's format, projection, lang and @context, with
 * the protocol headers of its endpoint. Implemented by the NGSI-LD codec adapter; thread-safe.
 */
@FunctionalInterface
public interface NotificationRenderer {
    /**
     * @param entities the entities in expanded form, each after the change (for a deletion: id and types only)
     * @param at the notification time
     */
    Notification render(Subscription s, List<Entity> entities, Instant at);
}
