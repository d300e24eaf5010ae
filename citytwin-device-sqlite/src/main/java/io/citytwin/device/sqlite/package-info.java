/**
 * The embedded, durable device registry: {@link io.citytwin.device.sqlite.SqliteDeviceRegistry} keeps registered
 * devices in one SQLite file ({@code devices.db}, WAL mode) under the data directory. Only password and token hashes
 * are stored, never the secrets.
 */
@NullMarked
package io.citytwin.device.sqlite;

import org.jspecify.annotations.NullMarked;
