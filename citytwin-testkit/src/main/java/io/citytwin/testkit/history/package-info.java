/**
 * Test support for the history store port: the in-memory fake {@link io.citytwin.testkit.history.InMemoryHistoryStore}
 * and the contract suite {@link io.citytwin.testkit.history.HistoryStoreContract} every adapter's tests subclass.
 */
@NullMarked
package io.citytwin.testkit.history;

import org.jspecify.annotations.NullMarked;
