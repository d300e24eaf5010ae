/**
 * The history store port: every attribute instance the twin ever held, per series (tenant, entity, attribute,
 * datasetId), for the temporal API ("the twin over time"). {@link io.citytwin.history.store.HistoryStore} is the
 * port; adapters live in their own modules (SQLite embedded, PostgreSQL to follow) and pass the contract suite in
 * the testkit.
 */
@NullMarked
package io.citytwin.history.store;

import org.jspecify.annotations.NullMarked;
