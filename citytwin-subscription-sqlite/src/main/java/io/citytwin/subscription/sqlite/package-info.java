/**
 * SQLite adapters of the subscription ports: {@link io.citytwin.subscription.sqlite.SqliteSubscriptionStore} and
 * {@link io.citytwin.subscription.sqlite.SqliteNotificationOutbox}, both in {@code dataDir/subscriptions.db} (WAL).
 */
@NullMarked
package io.citytwin.subscription.sqlite;

import org.jspecify.annotations.NullMarked;
