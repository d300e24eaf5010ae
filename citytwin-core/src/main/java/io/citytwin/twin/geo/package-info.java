/**
 * Geo-queries of the twin: GeoJSON geometries (RFC 7946) to and from JTS ({@link io.citytwin.twin.geo.GeoJson}),
 * NGSI-LD geo-queries and their semantics (ETSI GS CIM 009 clause 4.10, {@link io.citytwin.twin.geo.GeoQuery}),
 * geodesic distances ({@link io.citytwin.twin.geo.Geodesy}) and a dynamic grid index of moving geometries
 * ({@link io.citytwin.twin.geo.SpatialIndex}). Coordinates are WGS84 with x = longitude, y = latitude.
 */
@NullMarked
package io.citytwin.twin.geo;

import org.jspecify.annotations.NullMarked;
