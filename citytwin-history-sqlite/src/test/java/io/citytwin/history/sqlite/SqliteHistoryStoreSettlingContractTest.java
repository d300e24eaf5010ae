package io.citytwin.history.sqlite;

import io.citytwin.history.store.HistoryStore;
import io.citytwin.testkit.history.HistoryStoreContract;
import java.nio.file.Path;

/**
 * The history store contract run against the SQLite adapter moving fresh rows into warm after nearly every commit of
 * small batches, and warm into recent after every few moves (and never packing in between), so that reads merge rows
 * of the three tables and rows of one series spread over all of them.
 */
class SqliteHistoryStoreSettlingContractTest extends HistoryStoreContract {
    @Override
    protected HistoryStore open(Path dir) {
        return SqliteHistoryStore.open(
                dir,
                SqliteHistoryOptions.defaults()
                        .withFreshRows(3)
                        .withWarmRows(7)
                        .withMaxBatchRecords(2)
                        .withCompactThreshold(Integer.MAX_VALUE));
    }
}
