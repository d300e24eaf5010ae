/**
 * NGSI-LD subscriptions and notifications (ETSI GS CIM 009 v1.8, clauses 5.2.12 Subscription, 5.2.14 NotificationParams,
 * 5.8 Subscription operations, 5.11 notification behaviour): the {@link io.citytwin.subscription.Subscription} model,
 * the matching of change events against subscriptions ({@link io.citytwin.subscription.SubscriptionIndex}), the
 * {@link io.citytwin.subscription.SubscriptionStore} and durable {@link io.citytwin.subscription.NotificationOutbox}
 * ports, and the {@link io.citytwin.subscription.Notifier} that turns the change event log into delivered
 * notifications, at least once, in order per endpoint.
 */
@NullMarked
package io.citytwin.subscription;

import org.jspecify.annotations.NullMarked;
