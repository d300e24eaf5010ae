/** Test support for subscriptions: in-memory store and outbox, contract suites of both ports. */
package io.citytwin.testkit.subscription;
