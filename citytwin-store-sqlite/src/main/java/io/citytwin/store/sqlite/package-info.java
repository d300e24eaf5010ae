/**
 * The embedded, durable store of the twin: {@link io.citytwin.store.sqlite.SqliteTwinRepository} keeps the latest
 * state of every entity in one SQLite file (WAL mode) under the data directory, written with group commit and
 * read back in one scan at startup.
 */
@NullMarked
package io.citytwin.store.sqlite;

import org.jspecify.annotations.NullMarked;
