package io.citytwin.subscription;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The port of subscription storage: subscriptions per tenant and their delivery counters. Adapters: SQLite
 * ({@code citytwin-subscription-sqlite}) and the in-memory fake of the testkit; both pass {@code
 * SubscriptionStoreContract}.
 *
 * <p>Implementations are thread-safe; a method returning normally has made its change durable (for durable adapters).
 */
public interface SubscriptionStore extends AutoCloseable {

    /**
     * Stores a new subscription.
     *
     * @throws TwinException AlreadyExists {@code subscription.already-exists} when the tenant has one with that id
     */
    Subscription create(Subscription s);

    Optional<Subscription> get(TenantId tenant, SubscriptionId id);

    /** A page of the tenant's subscriptions ordered by id. */
    List<Subscription> list(TenantId tenant, int offset, int limit);

    long count(TenantId tenant);

    /** Every subscription of every tenant (to build the matching index at start). */
    List<Subscription> all();

    /**
     * Replaces a stored subscription (same tenant and id); the delivery counters are kept.
     *
     * @throws TwinException ResourceNotFound {@code subscription.not-found} when it is not stored
     */
    Subscription update(Subscription s);

    /** Deletes a subscription and its counters; false when there was none. */
    boolean delete(TenantId tenant, SubscriptionId id);

    /** The delivery counters, {@link DeliveryStatus#NONE} when none were recorded or the subscription is unknown. */
    DeliveryStatus status(TenantId tenant, SubscriptionId id);

    /**
     * Adds counter deltas ({@link DeliveryStatus#merge}) to the stored counters in one write; deltas of unknown
     * subscriptions are ignored.
     */
    void addStatus(Map<SubscriptionKey, DeliveryStatus> deltas);

    /** Releases the storage; afterwards every method fails with InternalError {@code subscription.store-closed}. */
    @Override
    void close();

    /** The error of {@link #create} for a duplicate, shared so that adapters word it alike. */
    static TwinException alreadyExists(TenantId tenant, SubscriptionId id) {
        return new TwinException(
                ErrorType.ALREADY_EXISTS,
                "subscription.already-exists",
                "Subscription '" + id + "' already exists in tenant '" + tenant + "'");
    }

    /** The error of {@link #update} for an unknown subscription. */
    static TwinException notFound(TenantId tenant, SubscriptionId id) {
        return TwinException.notFound(
                "subscription.not-found", "Subscription '" + id + "' does not exist in tenant '" + tenant + "'");
    }

    /** The error of every method after {@link #close}. */
    static TwinException closed() {
        return new TwinException(
                ErrorType.INTERNAL_ERROR, "subscription.store-closed", "The subscription store is closed");
    }

    /** Checks paging arguments. */
    static void checkPaging(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw TwinException.badData(
                    "subscription.paging-invalid",
                    "offset and limit must not be negative (" + offset + ", " + limit + ")");
        }
    }
}
