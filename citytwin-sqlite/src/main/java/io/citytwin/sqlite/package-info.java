/**
 * What the SQLite adapters of CityTwin (twin store, history store, device registry) share: connection setup
 * ({@link io.citytwin.sqlite.Sqlite}), versioned schema migrations ({@link io.citytwin.sqlite.Migrations}), the
 * background WAL checkpointer ({@link io.citytwin.sqlite.WalCheckpointer}) and the binary encoding of values
 * ({@link io.citytwin.sqlite.BinaryWriter}, {@link io.citytwin.sqlite.BinaryReader}).
 */
@NullMarked
package io.citytwin.sqlite;

import org.jspecify.annotations.NullMarked;
