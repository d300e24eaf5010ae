package io.citytwin.history.sqlite;

import io.citytwin.history.store.HistoryStore;
import io.citytwin.testkit.history.HistoryStoreContract;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The history store contract run against the SQLite adapter with a commit delay, so that every test goes through
 * batches gathered by the delay (appends, tasks and close arriving while the writer waits for more).
 */
class SqliteHistoryStoreDelayedContractTest extends HistoryStoreContract {
    @Override
    protected HistoryStore open(Path dir) {
        return SqliteHistoryStore.open(dir, SqliteHistoryOptions.defaults().withCommitDelay(Duration.ofMillis(5)));
    }
}
