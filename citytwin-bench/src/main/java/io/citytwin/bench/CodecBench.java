package io.citytwin.bench;

import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.ngsild.RenderOptions;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link EntityCodec} on the hot paths: parsing a typical PATCH .../attrs body (one Property value) and a whole
 * streetlight, and rendering a streetlight (normalized and keyValues) to plain JSON. Average time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class CodecBench {
    private final EntityCodec codec = new EntityCodec();
    private final LdContext ctx =
            ContextResolver.builder().allowRemote(false).build().core();
    private byte[] updateBody;
    private byte[] entityBody;
    private Entity entity;
    private String brightness;

    /** Prepares the bodies and the entity. */
    @Setup
    @SuppressWarnings("unchecked")
    public void setUp() {
        updateBody = CityData.updateJson(42).getBytes(StandardCharsets.UTF_8);
        entityBody = CityData.entityJson(12345).getBytes(StandardCharsets.UTF_8);
        entity = codec.parseEntity((Map<String, Object>) codec.parseJson(entityBody), ctx);
        brightness = ctx.expandTerm("brightness");
    }

    /** JSON bytes to the attribute of a PATCH .../attrs body (what the API does per update, minus HTTP). */
    @Benchmark
    @SuppressWarnings("unchecked")
    public List<Attribute> parseUpdateBody() {
        Map<String, Object> body = (Map<String, Object>) codec.parseJson(updateBody);
        return codec.parseAttribute(brightness, body.get("brightness"), ctx);
    }

    /** JSON bytes to a whole streetlight entity (create/upsert). */
    @Benchmark
    @SuppressWarnings("unchecked")
    public Entity parseEntity() {
        return codec.parseEntity((Map<String, Object>) codec.parseJson(entityBody), ctx);
    }

    /** A streetlight to normalized plain JSON (GET .../entities/{id}, before serialization). */
    @Benchmark
    public Map<String, Object> renderNormalized() {
        return codec.render(entity, RenderOptions.normalized(), ctx);
    }

    /** A streetlight to keyValues plain JSON. */
    @Benchmark
    public Map<String, Object> renderKeyValues() {
        return codec.render(entity, RenderOptions.keyValues(), ctx);
    }
}
