package io.citytwin.bench;

import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import io.citytwin.twin.query.QueryParser;
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

/** Parsing of the NGSI-LD query language {@code q} and of a geo-query, per request. Average time per operation. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class QueryParseBench {
    /** A simple q. */
    public String simple = "status==\"ok\"";
    /** A compound q with a range, a list, a path and a pattern. */
    public String compound =
            "status==\"ok\";(brightness>50|powerConsumption==10..40);refStreetlightGroup==\"urn:ngsi-ld:"
                    + "StreetlightGroup:g1\",\"urn:ngsi-ld:StreetlightGroup:g2\";name~=\"^Lamp\"";

    /** {@code status=="ok"}. */
    @Benchmark
    public Query parseSimple() {
        return QueryParser.parse(simple);
    }

    /** A compound expression. */
    @Benchmark
    public Query parseCompound() {
        return QueryParser.parse(compound);
    }

    /** {@code georel=near;maxDistance==480&geometry=Point&coordinates=[13.405,52.52]}. */
    @Benchmark
    public GeoQuery parseNear() {
        return GeoQuery.parse("near;maxDistance==480", "Point", "[13.405,52.52]", null);
    }
}
