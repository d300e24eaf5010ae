package io.citytwin.bench;

import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.ngsild.LdContext;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.Entity;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The synthetic city ({@link CityData}) loaded into an in-process {@link Twin} on an {@link InMemoryTwinRepository},
 * parsed with the production {@link EntityCodec} and core context exactly as the HTTP API would. Built once per JMH
 * trial; the twin is thread-safe.
 */
final class InProcessCity implements AutoCloseable {
    final EntityCodec codec = new EntityCodec();
    final LdContext ctx = ContextResolver.builder().allowRemote(false).build().core();
    private final InMemoryTwinRepository repository = new InMemoryTwinRepository();
    final Twin twin = new Twin(repository, new FakeClock());
    final int size;

    /** Loads {@code n} entities in batches of 1000 (batchUpsert, as the preload over HTTP does). */
    InProcessCity(int n) {
        this.size = n;
        List<Entity> batch = new ArrayList<>(1000);
        for (int i = 0; i < n; i++) {
            batch.add(parse(CityData.entityJson(i)));
            if (batch.size() == 1000 || i == n - 1) {
                twin.batchUpsert(TenantId.DEFAULT, batch, false);
                batch.clear();
            }
        }
    }

    @SuppressWarnings("unchecked")
    Entity parse(String json) {
        Object body = codec.parseJson(json.getBytes(StandardCharsets.UTF_8));
        return codec.parseEntity((Map<String, Object>) body, ctx);
    }

    /** The expanded form of a term of the core context (e.g. {@code Streetlight}, {@code brightness}). */
    String expand(String term) {
        return ctx.expandTerm(term);
    }

    @Override
    public void close() {
        repository.close();
    }
}
