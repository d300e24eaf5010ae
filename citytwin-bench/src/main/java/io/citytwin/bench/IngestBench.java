package io.citytwin.bench;

import io.citytwin.device.FieldMapping;
import io.citytwin.device.ValueType;
import io.citytwin.ingest.CompactTextDecoder;
import io.citytwin.ingest.DecodeResult;
import io.citytwin.ingest.DeviceMapping;
import io.citytwin.ingest.JsonPayloadDecoder;
import io.citytwin.ingest.MappingResult;
import io.citytwin.ingest.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Device ingestion on one thread: decoding a typical sensor payload (5 fields and a timestamp) in each format, and
 * mapping a reading to twin attributes. Throughput in payloads per second; the device issue's target is 200,000
 * data points per second end to end on 2 cores, so decoding must cost a small fraction of that budget.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class IngestBench {
    private final JsonPayloadDecoder json = new JsonPayloadDecoder();
    private final CompactTextDecoder compact = new CompactTextDecoder();
    private final byte[] jsonPayload = ("{\"t\": 21.5, \"h\": 40, \"p\": 1013.2, \"no2\": 17, \"pm25\": 8.4,"
                    + " \"ts\": \"2026-11-21T10:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);
    private final byte[] compactPayload =
            "TimeInstant|2026-11-21T10:00:00Z|t|21.5|h|40|p|1013.2|no2|17|pm25|8.4".getBytes(StandardCharsets.UTF_8);
    private final DeviceMapping mapping = DeviceMapping.of(
            List.of(
                    new FieldMapping("t", "https://smartdatamodels.org/temperature", "CEL", 1, 0, ValueType.NUMBER),
                    new FieldMapping(
                            "h", "https://smartdatamodels.org/relativeHumidity", null, 0.01, 0, ValueType.NUMBER),
                    new FieldMapping(
                            "p", "https://smartdatamodels.org/atmosphericPressure", "A97", 1, 0, ValueType.NUMBER),
                    new FieldMapping("no2", "https://smartdatamodels.org/no2", "GQ", 1, 0, ValueType.NUMBER),
                    new FieldMapping("pm25", "https://smartdatamodels.org/pm25", "GQ", 1, 0, ValueType.NUMBER)),
            false);
    private final Reading reading =
            ((DecodeResult.Decoded) json.decode(jsonPayload)).readings().get(0);
    private final Instant now = Instant.parse("2026-11-21T10:00:01Z");

    /** JSON payload to a Reading. */
    @Benchmark
    public DecodeResult decodeJson() {
        return json.decode(jsonPayload, 0, jsonPayload.length);
    }

    /** Compact text payload to a Reading. */
    @Benchmark
    public DecodeResult decodeCompact() {
        return compact.decode(compactPayload, 0, compactPayload.length);
    }

    /** A Reading to twin attributes (5 mapped fields with units and scaling). */
    @Benchmark
    public MappingResult mapReading() {
        return mapping.apply(reading, now);
    }
}
