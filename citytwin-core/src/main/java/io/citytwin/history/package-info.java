/**
 * Pure algorithms for the NGSI-LD temporal (history) API (ETSI GS CIM 009 v1.8, clauses 4.5.19, 5.7.4 and 6.19):
 * ISO 8601 durations ({@link io.citytwin.history.IsoDuration}), the aggregation methods of the aggregated temporal
 * representation ({@link io.citytwin.history.AggregationMethod}) and time-bucket aggregation of attribute instances
 * ({@link io.citytwin.history.TimeBuckets}). JDK only; no storage and no JSON binding here.
 */
@NullMarked
package io.citytwin.history;

import org.jspecify.annotations.NullMarked;
