package io.citytwin.subscription.sqlite;

import io.citytwin.subscription.SubscriptionStore;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.subscription.SubscriptionStoreContract;
import java.nio.file.Path;

class SqliteSubscriptionStoreTest extends SubscriptionStoreContract {
    @Override
    protected SubscriptionStore open(Path dir) {
        return SqliteSubscriptionStore.open(dir, new FakeClock());
    }
}
