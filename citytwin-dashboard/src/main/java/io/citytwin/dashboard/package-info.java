/**
 * The IOC dashboard of a node: the static page (HTML, CSS and JavaScript modules under {@code web/}, Leaflet and
 * ECharts served from their WebJars), the map endpoints that aggregate the twin's located entities into H3 cells at
 * low zoom and send points only within the view above a zoom threshold ({@link MapIndex}), and the Server-Sent Events
 * live feed ({@link LiveFeed}), a non-committing consumer of the change event log, throttled and bounded per client.
 *
 * <p>Entry point: {@link Dashboard}, wired into the HTTP server through {@code ApiServer.Builder#extension}.
 */
@NullMarked
package io.citytwin.dashboard;

import org.jspecify.annotations.NullMarked;
