package io.citytwin.history.sqlite;

import io.citytwin.history.store.HistoryStore;
import io.citytwin.testkit.history.HistoryStoreContract;
import java.nio.file.Path;

/** The history store contract run against the SQLite adapter with its default options. */
class SqliteHistoryStoreContractTest extends HistoryStoreContract {
    @Override
    protected HistoryStore open(Path dir) {
        return SqliteHistoryStore.open(dir, SqliteHistoryOptions.defaults());
    }
}
