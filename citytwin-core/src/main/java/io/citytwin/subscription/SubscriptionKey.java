package io.citytwin.subscription;

import io.citytwin.twin.TenantId;
import java.util.Objects;

/** A subscription's identity across tenants. */
public record SubscriptionKey(TenantId tenant, SubscriptionId id) {
    public SubscriptionKey {
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(id);
    }

    public static SubscriptionKey of(Subscription s) {
        return new SubscriptionKey(s.tenant(), s.id());
    }
}
