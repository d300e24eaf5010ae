package io.citytwin.subscription;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TwinException;
import java.util.UUID;

/**
 * The id of a subscription: an absolute URI (clause 5.2.12), {@code urn:ngsi-ld:Subscription:<uuid>} when generated.
 *
 * @param value a URI with a scheme, as {@link EntityId#isValid} checks it
 */
public record SubscriptionId(String value) implements Comparable<SubscriptionId> {
    public SubscriptionId {
        if (!EntityId.isValid(value)) {
            throw TwinException.badData(
                    "subscription.id-invalid", "Subscription id is not a valid URI: '" + value + "'");
        }
    }

    public static SubscriptionId of(String value) {
        return new SubscriptionId(value);
    }

    /** A fresh random id {@code urn:ngsi-ld:Subscription:<uuid>}. */
    public static SubscriptionId generate() {
        return new SubscriptionId("urn:ngsi-ld:Subscription:" + UUID.randomUUID());
    }

    @Override
    public int compareTo(SubscriptionId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
