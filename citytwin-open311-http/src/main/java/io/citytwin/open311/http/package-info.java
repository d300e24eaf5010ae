/**
 * The HTTP adapter of the {@link io.citytwin.open311.ServiceDesk} port: {@link io.citytwin.open311.http.Open311Api},
 * an {@link io.citytwin.http.ApiServer.Extension} serving Open311 GeoReport v2 under {@code /open311/v2} (JSON and
 * XML, the spec's error format, api keys for POST) and the public-opinion feed under {@code /api/v1/opinions} (plain
 * JSON, problem details), configured by {@link io.citytwin.open311.http.Open311Options}.
 */
@NullMarked
package io.citytwin.open311.http;

import org.jspecify.annotations.NullMarked;
