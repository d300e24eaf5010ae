/**
 * Open311 test support: {@link io.citytwin.testkit.open311.InMemoryServiceDesk}, a complete in-memory {@link
 * io.citytwin.open311.ServiceDesk}, and {@link io.citytwin.testkit.open311.Open311Conformance}, the GeoReport v2 and
 * opinion-feed conformance suite that runs through a real HTTP client against any node's base URL.
 */
package io.citytwin.testkit.open311;
