/**
 * SQLite (WAL) adapter of the history store port: {@link io.citytwin.history.sqlite.SqliteHistoryStore}, in its own
 * database file next to the twin's, with group commit and series packed into daily chunks.
 */
@NullMarked
package io.citytwin.history.sqlite;

import org.jspecify.annotations.NullMarked;
