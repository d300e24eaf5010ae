/**
 * Test support shared by every module: a controllable clock ({@link io.citytwin.testkit.FakeClock}), in-memory
 * adapters of the core ports ({@link io.citytwin.testkit.InMemoryTwinRepository}), fixture builders ({@link
 * io.citytwin.testkit.Fixtures}) and the port contract suites that every adapter's tests subclass ({@link
 * io.citytwin.testkit.TwinRepositoryContract}).
 */
@NullMarked
package io.citytwin.testkit;

import org.jspecify.annotations.NullMarked;
