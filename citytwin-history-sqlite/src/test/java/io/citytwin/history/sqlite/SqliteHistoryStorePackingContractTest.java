package io.citytwin.history.sqlite;

import io.citytwin.history.store.HistoryStore;
import io.citytwin.testkit.history.HistoryStoreContract;
import java.nio.file.Path;

/**
 * The history store contract run against the SQLite adapter packing after every commit and committing small
 * batches, so that every test goes through the chunks, late-data rewrites and reads that merge chunks with recent
 * rows.
 */
class SqliteHistoryStorePackingContractTest extends HistoryStoreContract {
    @Override
    protected HistoryStore open(Path dir) {
        return SqliteHistoryStore.open(
                dir, SqliteHistoryOptions.defaults().withCompactThreshold(0).withMaxBatchRecords(7));
    }
}
