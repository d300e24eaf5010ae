package io.citytwin.subscription;

import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One rendered notification, ready to send: what the outbox stores. Self-contained, so it can be delivered after a
 * restart even if rendering rules changed.
 *
 * @param tenant the subscription's tenant
 * @param subscriptionId the subscription it belongs to
 * @param endpoint the endpoint URI (also the delivery queue: notifications to one endpoint leave in order)
 * @param headers protocol headers (Content-Type, Link, NGSILD-Tenant, receiverInfo), in order
 * @param body the notification JSON (UTF-8); the array is not copied, never modify it
 * @param createdAt when the change that caused it was matched
 */
public record Notification(
        TenantId tenant,
        SubscriptionId subscriptionId,
        String endpoint,
        Map<String, String> headers,
        byte[] body,
        Instant createdAt) {
    public Notification {
        Objects.requireNonNull(tenant);
        Objects.requireNonNull(subscriptionId);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(body);
        Objects.requireNonNull(createdAt);
        headers = headers.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public SubscriptionKey key() {
        return new SubscriptionKey(tenant, subscriptionId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Notification n
                && tenant.equals(n.tenant)
                && subscriptionId.equals(n.subscriptionId)
                && endpoint.equals(n.endpoint)
                && headers.equals(n.headers)
                && Arrays.equals(body, n.body)
                && createdAt.equals(n.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, subscriptionId, endpoint, headers, Arrays.hashCode(body), createdAt);
    }

    @Override
    public String toString() {
        return "Notification[" + subscriptionId + " -> " + endpoint + ", " + body.length + " bytes]";
    }
}
