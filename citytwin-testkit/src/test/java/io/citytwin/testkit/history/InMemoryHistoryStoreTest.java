package io.citytwin.testkit.history;

import io.citytwin.history.store.HistoryStore;
import java.nio.file.Path;

/** The history store contract run against the in-memory fake. */
class InMemoryHistoryStoreTest extends HistoryStoreContract {
    @Override
    protected HistoryStore open(Path dir) {
        return new InMemoryHistoryStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
