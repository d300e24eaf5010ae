/**
 * SQLite adapters of the alarm store and the rule definition store, in {@code alarms.db} under the data directory
 * (WAL, one connection, one transaction per write).
 */
@NullMarked
package io.citytwin.rule.sqlite;

import org.jspecify.annotations.NullMarked;
