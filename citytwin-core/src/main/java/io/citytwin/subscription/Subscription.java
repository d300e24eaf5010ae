package io.citytwin.subscription;

import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An NGSI-LD subscription (clause 5.2.12), with every name expanded. Immutable; updates produce a new one.
 *
 * <p>Validation follows clause 5.8.1: at least one of {@code entities} and {@code watchedAttributes}, unless the
 * subscription is periodic ({@code timeInterval}), in which case {@code watchedAttributes} and {@code throttling} are
 * not allowed and {@code entities} is required.
 *
 * @param id the subscription id
 * @param tenant the tenant it belongs to
 * @param name the optional {@code subscriptionName}, or null
 * @param description the optional description, or null
 * @param entities entity selectors (any one selects)
 * @param watchedAttributes expanded names; a change must touch one of them (empty: any attribute)
 * @param q the filter on the entity after the change, names expanded, or null
 * @param geoQ the geo filter, geoproperty expanded, or null
 * @param triggers which kinds of change notify
 * @param throttling minimum time between two notifications (zero: none)
 * @param timeInterval period of periodic notifications (zero: notify on change)
 * @param expiresAt when the subscription stops, or null
 * @param active false when paused ({@code isActive: false})
 * @param lang the language for LanguageProperty values, or null
 * @param notification what to send and where
 * @param jsonldContext the @context the subscription was created with (frozen JSON: a URL or an inline context); used
 *     to compact notifications and the subscription itself
 * @param createdAt when it was created
 * @param modifiedAt when it was last changed
 */
public record Subscription(
        SubscriptionId id,
        TenantId tenant,
        @Nullable String name,
        @Nullable String description,
        List<EntitySelector> entities,
        Set<String> watchedAttributes,
        @Nullable Query q,
        @Nullable GeoQuery geoQ,
        Set<Trigger> triggers,
        Duration throttling,
        Duration timeInterval,
        @Nullable Instant expiresAt,
        boolean active,
        @Nullable String lang,
        NotificationParams notification,
        Object jsonldContext,
        Instant createdAt,
        Instant modifiedAt) {

    public Subscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        entities = List.copyOf(entities);
        watchedAttributes = Set.copyOf(watchedAttributes);
        triggers = triggers.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(triggers));
        Objects.requireNonNull(throttling, "throttling");
        Objects.requireNonNull(timeInterval, "timeInterval");
        Objects.requireNonNull(notification, "notification");
        Objects.requireNonNull(jsonldContext, "jsonldContext");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
        if (throttling.isNegative()) {
            throw TwinException.badData("subscription.throttling", "throttling must not be negative");
        }
        if (timeInterval.isNegative()) {
            throw TwinException.badData("subscription.time-interval", "timeInterval must not be negative");
        }
        if (triggers.isEmpty()) {
            throw TwinException.badData("subscription.trigger", "notificationTrigger must not be empty");
        }
        if (!timeInterval.isZero()) {
            if (!watchedAttributes.isEmpty()) {
                throw TwinException.badData(
                        "subscription.time-interval-watched",
                        "timeInterval and watchedAttributes cannot be used together");
            }
            if (!throttling.isZero()) {
                throw TwinException.badData(
                        "subscription.time-interval-throttling", "timeInterval and throttling cannot be used together");
            }
            if (entities.isEmpty()) {
                throw TwinException.badData(
                        "subscription.time-interval-entities", "A periodic subscription (timeInterval) needs entities");
            }
        } else if (entities.isEmpty() && watchedAttributes.isEmpty()) {
            throw TwinException.badData(
                    "subscription.unrestricted", "A subscription needs entities or watchedAttributes (or both)");
        }
    }

    /** Whether notifications are periodic ({@code timeInterval} set) rather than on change. */
    public boolean periodic() {
        return !timeInterval.isZero();
    }

    /** {@code active}, {@code paused} or {@code expired} at {@code now} (clause 5.2.12 {@code status}). */
    public String status(Instant now) {
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return "expired";
        }
        return active ? "active" : "paused";
    }

    /** Whether it notifies at {@code now}: active and not expired. */
    public boolean live(Instant now) {
        return active && (expiresAt == null || now.isBefore(expiresAt));
    }

    public Optional<Instant> expires() {
        return Optional.ofNullable(expiresAt);
    }

    /** A builder starting from this subscription. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder for a new subscription with the defaults of clause 5.2.12. */
    public static Builder builder(SubscriptionId id, TenantId tenant, Endpoint endpoint, Instant now) {
        return new Builder(id, tenant, endpoint, now);
    }

    /** Builds {@link Subscription}s; every setter returns this. */
    public static final class Builder {
        private SubscriptionId id;
        private TenantId tenant;
        private @Nullable String name;
        private @Nullable String description;
        private List<EntitySelector> entities = List.of();
        private Set<String> watchedAttributes = Set.of();
        private @Nullable Query q;
        private @Nullable GeoQuery geoQ;
        private Set<Trigger> triggers = Trigger.DEFAULT;
        private Duration throttling = Duration.ZERO;
        private Duration timeInterval = Duration.ZERO;
        private @Nullable Instant expiresAt;
        private boolean active = true;
        private @Nullable String lang;
        private NotificationParams notification;
        private Object jsonldContext = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld";
        private Instant createdAt;
        private Instant modifiedAt;

        private Builder(SubscriptionId id, TenantId tenant, Endpoint endpoint, Instant now) {
            this.id = id;
            this.tenant = tenant;
            this.notification = NotificationParams.to(endpoint);
            this.createdAt = now;
            this.modifiedAt = now;
        }

        private Builder(Subscription s) {
            id = s.id;
            tenant = s.tenant;
            name = s.name;
            description = s.description;
            entities = s.entities;
            watchedAttributes = s.watchedAttributes;
            q = s.q;
            geoQ = s.geoQ;
            triggers = s.triggers;
            throttling = s.throttling;
            timeInterval = s.timeInterval;
            expiresAt = s.expiresAt;
            active = s.active;
            lang = s.lang;
            notification = s.notification;
            jsonldContext = s.jsonldContext;
            createdAt = s.createdAt;
            modifiedAt = s.modifiedAt;
        }

        public Builder id(SubscriptionId v) {
            id = v;
            return this;
        }

        public Builder name(@Nullable String v) {
            name = v;
            return this;
        }

        public Builder description(@Nullable String v) {
            description = v;
            return this;
        }

        public Builder entities(List<EntitySelector> v) {
            entities = v;
            return this;
        }

        public Builder watchedAttributes(Set<String> v) {
            watchedAttributes = v;
            return this;
        }

        public Builder q(@Nullable Query v) {
            q = v;
            return this;
        }

        public Builder geoQ(@Nullable GeoQuery v) {
            geoQ = v;
            return this;
        }

        public Builder triggers(Set<Trigger> v) {
            triggers = v;
            return this;
        }

        public Builder throttling(Duration v) {
            throttling = v;
            return this;
        }

        public Builder timeInterval(Duration v) {
            timeInterval = v;
            return this;
        }

        public Builder expiresAt(@Nullable Instant v) {
            expiresAt = v;
            return this;
        }

        public Builder active(boolean v) {
            active = v;
            return this;
        }

        public Builder lang(@Nullable String v) {
            lang = v;
            return this;
        }

        public Builder notification(NotificationParams v) {
            notification = v;
            return this;
        }

        public Builder jsonldContext(Object v) {
            jsonldContext = v;
            return this;
        }

        public Builder createdAt(Instant v) {
            createdAt = v;
            return this;
        }

        public Builder modifiedAt(Instant v) {
            modifiedAt = v;
            return this;
        }

        public Subscription build() {
            return new Subscription(
                    id,
                    tenant,
                    name,
                    description,
                    entities,
                    watchedAttributes,
                    q,
                    geoQ,
                    triggers,
                    throttling,
                    timeInterval,
                    expiresAt,
                    active,
                    lang,
                    notification,
                    jsonldContext,
                    createdAt,
                    modifiedAt);
        }
    }
}
