package io.citytwin.testkit.command;

import io.citytwin.command.CommandStore;
import java.nio.file.Path;

class InMemoryCommandStoreTest extends CommandStoreContract {
    @Override
    protected CommandStore open(Path dir) {
        return new InMemoryCommandStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
