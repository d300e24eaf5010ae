/**
 * Benchmarks of CityTwin: JMH micro-benchmarks of the in-process hot paths ({@link io.citytwin.bench.TwinQueryBench},
 * {@link io.citytwin.bench.TwinUpdateBench}, {@link io.citytwin.bench.CodecBench},
 * {@link io.citytwin.bench.QueryParseBench}) and the HTTP load generator ({@link io.citytwin.bench.LoadGenerator}).
 */
@NullMarked
package io.citytwin.bench;

import org.jspecify.annotations.NullMarked;
