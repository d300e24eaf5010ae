package io.citytwin.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.http.ApiServer;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.twin.Twin;
import io.citytwin.twin.geo.GeoJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A twin with its NGSI-LD API and the dashboard on a loopback port, and a real HTTP client for the tests. */
final class TestNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The south-west corner of the test city; entities sit on a grid of 0.001 degree steps from here. */
    static final double LON0 = 13.30;

    static final double LAT0 = 52.50;

    final InMemoryTwinRepository repo = new InMemoryTwinRepository();
    final Twin twin = new Twin(repo, InstantSource.system());
    final Dashboard dashboard;
    final ApiServer api;
    final HttpClient http = HttpClient.newHttpClient();

    TestNode(DashboardOptions options) {
        dashboard = Dashboard.start(twin, repo.events(), options, InstantSource.system());
        api = ApiServer.builder()
                .twin(twin)
                .contexts(ContextResolver.builder().allowRemote(false).build())
                .codec(new EntityCodec(GeoJson::parse))
                .host("127.0.0.1")
                .port(0)
                .extension(dashboard.routes())
                .build()
                .start();
    }

    String base() {
        return "http://127.0.0.1:" + api.port();
    }

    record Res(int status, Map<String, List<String>> headers, String body) {
        Map<String, Object> obj() {
            try {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = JSON.readValue(body, Map.class);
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(body, e);
            }
        }

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of(""))
                    .get(0);
        }
    }

    Res get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build());
    }

    Res post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(body)))
                .build());
    }

    Res patch(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(write(body)))
                .build());
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Res send(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Res(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates {@code n} streetlights on a 50-column grid (on, drawing power) through the batch API. */
    void lamps(int n) {
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> e = entity("urn:ngsi-ld:Streetlight:" + i, "Streetlight", lon(i), lat(i));
            e.put("powerState", prop("on"));
            e.put("ratedPower", prop(100));
            e.put("powerConsumption", prop(95.0));
            batch.add(e);
            if (batch.size() == 500) {
                upsert(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            upsert(batch);
        }
    }

    void upsert(List<Object> batch) {
        Res r = post("/ngsi-ld/v1/entityOperations/upsert", batch);
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(r.status() + " " + r.body());
        }
    }

    static double lon(int i) {
        return LON0 + (i % 50) * 0.001;
    }

    static double lat(int i) {
        return LAT0 + (i / 50) * 0.001;
    }

    static Map<String, Object> entity(String id, String type, double lon, double lat) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("type", type);
        e.put(
                "location",
                Map.of("type", "GeoProperty", "value", Map.of("type", "Point", "coordinates", List.of(lon, lat))));
        return e;
    }

    static Map<String, Object> prop(Object v) {
        return Map.of("type", "Property", "value", v);
    }

    @Override
    public void close() {
        dashboard.close();
        api.close();
        repo.close();
    }
}
