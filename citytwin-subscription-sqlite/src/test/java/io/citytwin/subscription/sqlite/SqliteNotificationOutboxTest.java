package io.citytwin.subscription.sqlite;

import io.citytwin.subscription.NotificationOutbox;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.subscription.NotificationOutboxContract;
import java.nio.file.Path;

class SqliteNotificationOutboxTest extends NotificationOutboxContract {
    @Override
    protected NotificationOutbox open(Path dir) {
        return SqliteNotificationOutbox.open(dir, new FakeClock());
    }
}
