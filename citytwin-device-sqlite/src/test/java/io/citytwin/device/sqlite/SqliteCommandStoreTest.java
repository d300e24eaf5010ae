package io.citytwin.device.sqlite;

import io.citytwin.command.CommandStore;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.command.CommandStoreContract;
import java.nio.file.Path;

class SqliteCommandStoreTest extends CommandStoreContract {
    @Override
    protected CommandStore open(Path dir) {
        return SqliteCommandStore.open(dir, new FakeClock());
    }
}
