package io.citytwin.bench;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.EntityQuery;
import io.citytwin.twin.QueryResult;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TypeSelector;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import io.citytwin.twin.query.QueryParser;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads of the in-process twin with {@code entities} streetlights ({@link CityData}): type + q returning a page of
 * 100 (a string equality matching 1/3, a numeric comparison matching 49 %), a near;maxDistance geo-query sized for
 * ~100 results, and retrieval by id. Average time per operation; no HTTP, no JSON rendering.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class TwinQueryBench {
    /** Entities in the twin. */
    @Param({"100000"})
    public int entities;

    private InProcessCity city;
    private EntityQuery typeStatusOk;
    private EntityQuery typeBrightness;
    private EntityQuery[] near;
    private EntityId[] ids;
    private int k;

    /** Loads the city and prepares the queries (parsing is not measured here; see {@link QueryParseBench}). */
    @Setup(Level.Trial)
    public void setUp() {
        city = new InProcessCity(entities);
        TypeSelector type = new TypeSelector.Name(city.expand("Streetlight"));
        Query ok = QueryParser.parse("status==\"ok\"").mapNames(city::expand);
        Query bright = QueryParser.parse("brightness>50").mapNames(city::expand);
        typeStatusOk = new EntityQuery(List.of(), null, type, Set.of(), ok, null, 0, 100, false);
        typeBrightness = new EntityQuery(List.of(), null, type, Set.of(), bright, null, 0, 100, false);
        long radius = Math.round(CityData.radiusFor(entities, 100));
        near = new EntityQuery[256];
        for (int i = 0; i < near.length; i++) {
            double lon = CityData.LON_MIN + CityData.LON_SPAN * (0.1 + 0.8 * CityData.unit(3_000_000L + i));
            double lat = CityData.LAT_MIN + CityData.LAT_SPAN * (0.1 + 0.8 * CityData.unit(4_000_000L + i));
            GeoQuery g = GeoQuery.parse(
                            "near;maxDistance==" + radius,
                            "Point",
                            String.format(Locale.ROOT, "[%.6f,%.6f]", lon, lat),
                            null)
                    .withGeoproperty(city.expand("location"));
            near[i] = new EntityQuery(List.of(), null, type, Set.of(), null, g, 0, 1000, false);
        }
        ids = new EntityId[4096];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = EntityId.of(CityData.id((int) (CityData.unit(2_000_000L + i) * entities)));
        }
    }

    /** Releases the twin. */
    @TearDown(Level.Trial)
    public void tearDown() {
        city.close();
    }

    /** type=Streetlight&q=status=="ok"&limit=100. */
    @Benchmark
    public QueryResult typeAndStringEquality() {
        return city.twin.query(TenantId.DEFAULT, typeStatusOk);
    }

    /** type=Streetlight&q=brightness>50&limit=100. */
    @Benchmark
    public QueryResult typeAndNumericComparison() {
        return city.twin.query(TenantId.DEFAULT, typeBrightness);
    }

    /** type=Streetlight&georel=near;maxDistance==r (~100 results), varying centres. */
    @Benchmark
    public QueryResult nearMaxDistance() {
        return city.twin.query(TenantId.DEFAULT, near[(k++) & 255]);
    }

    /** Retrieval by id, varying ids. */
    @Benchmark
    public Optional<?> retrieveById() {
        return city.twin.find(TenantId.DEFAULT, ids[(k++) & 4095]);
    }
}
