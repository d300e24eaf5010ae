package io.citytwin.testkit.subscription;

import io.citytwin.subscription.SubscriptionStore;
import java.nio.file.Path;

class InMemorySubscriptionStoreTest extends SubscriptionStoreContract {
    @Override
    protected SubscriptionStore open(Path dir) {
        return new InMemorySubscriptionStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
