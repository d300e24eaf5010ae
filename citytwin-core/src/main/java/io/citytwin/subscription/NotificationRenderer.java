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

    /**
     * One notification per subscription for the same entities, in order. Implementations may share work between
     * subscriptions that render alike (same format, projection, lang and @context); the default renders each.
     */
    default List<Notification> renderAll(List<Subscription> subs, List<Entity> entities, Instant at) {
        List<Notification> out = new java.util.ArrayList<>(subs.size());
        for (Subscription s : subs) {
            out.add(render(s, entities, at));
        }
        return out;
    }
}
