/**
 * Device ingestion: decoding what sensors, lamps, meters and vehicles send (JSON, FIWARE Ultralight 2.0 style
 * compact text) into {@link io.citytwin.ingest.Reading}s, and mapping device fields onto twin attributes with
 * {@link io.citytwin.ingest.DeviceMapping}.
 *
 * <p>Malformed input is a value ({@link io.citytwin.ingest.DecodeResult.Rejected}, {@link
 * io.citytwin.ingest.MappingResult#problems()}), never an exception, so that the caller can route it to a per-device
 * dead-letter record by policy.
 */
@NullMarked
package io.citytwin.ingest;

import org.jspecify.annotations.NullMarked;
