package io.citytwin.testkit.subscription;

import io.citytwin.subscription.NotificationOutbox;
import java.nio.file.Path;

class InMemoryNotificationOutboxTest extends NotificationOutboxContract {
    @Override
    protected NotificationOutbox open(Path dir) {
        return new InMemoryNotificationOutbox();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
