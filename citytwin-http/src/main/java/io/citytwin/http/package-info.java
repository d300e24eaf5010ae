/**
 * The NGSI-LD HTTP API (ETSI GS CIM 009, {@code /ngsi-ld/v1}) on Javalin: routes, content negotiation, JSON-LD
 * {@code @context} handling per request, RFC 9457 problem details with the NGSI-LD error types, limits and metrics.
 * Start it with {@link io.citytwin.http.ApiServer}.
 */
@NullMarked
package io.citytwin.http;

import org.jspecify.annotations.NullMarked;
