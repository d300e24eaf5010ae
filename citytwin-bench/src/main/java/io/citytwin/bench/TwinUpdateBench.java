package io.citytwin.bench;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.UpdateReport;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core cost of an attribute update: {@code Twin.updateAttributes} of one Property value on the in-memory
 * repository (locking, copy-on-write of the entity, index maintenance, event publication), without HTTP, JSON or
 * SQLite. Throughput, from 1 and 2 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class TwinUpdateBench {
    /** Entities in the twin. */
    @Param({"100000"})
    public int entities;

    private InProcessCity city;
    private EntityId[] ids;
    private List<Map<String, List<Attribute>>> fragments;

    /** Loads the city and prepares 100 update fragments. */
    @Setup(Level.Trial)
    public void setUp() {
        city = new InProcessCity(entities);
        ids = new EntityId[4096];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = EntityId.of(CityData.id((int) (CityData.unit(1_000_000L + i) * entities)));
        }
        String name = city.expand("brightness");
        fragments = new java.util.ArrayList<>();
        for (int v = 0; v < 100; v++) {
            fragments.add(Map.of(name, List.of(Attribute.property((long) v))));
        }
    }

    /** Releases the twin. */
    @TearDown(Level.Trial)
    public void tearDown() {
        city.close();
    }

    /** Per-thread cursor. */
    @State(Scope.Thread)
    public static class Cursor {
        int k = (int) (Thread.currentThread().threadId() * 7919);
    }

    /** One update from one thread. */
    @Benchmark
    @Threads(1)
    public UpdateReport updateOneProperty(Cursor c) {
        int i = c.k++;
        return city.twin.updateAttributes(TenantId.DEFAULT, ids[i & 4095], fragments.get(Math.floorMod(i, 100)));
    }

    /** Updates from two threads (this machine's core count), to see lock and index contention. */
    @Benchmark
    @Threads(2)
    public UpdateReport updateOnePropertyTwoThreads(Cursor c) {
        int i = c.k++;
        return city.twin.updateAttributes(TenantId.DEFAULT, ids[i & 4095], fragments.get(Math.floorMod(i, 100)));
    }
}
