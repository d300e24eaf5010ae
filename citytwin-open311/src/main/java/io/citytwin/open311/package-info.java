/**
 * Citizen reports (Open311 GeoReport v2) and the public-opinion feed: the port and its values.
 *
 * <p>{@link io.citytwin.open311.ServiceDesk} is the port: the service catalogue, service requests, tokens and opinion
 * posts, as records. The parsers ({@link io.citytwin.open311.FormParser}, {@link io.citytwin.open311.W3cDateTime})
 * and the submission checks ({@link io.citytwin.open311.RequestForm}) are pure and property-tested. The HTTP adapter
 * lives in module citytwin-open311-http ({@code io.citytwin.open311.http.Open311Api}); the desk behind the port
 * (incidents, in the node) is wired by the application. Framework-free, like citytwin-core.
 */
@NullMarked
package io.citytwin.open311;

import org.jspecify.annotations.NullMarked;
