package io.citytwin.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CitySink} over a node's HTTP APIs: entities through NGSI-LD batch upsert, devices through {@code POST
 * /iot/v1/devices}, telemetry through {@code POST /iot/v1/devices/{id}/telemetry} with the device's bearer token,
 * at most {@code concurrency} requests in flight.
 */
public final class HttpCitySink implements CitySink {
    private static final Logger LOG = LoggerFactory.getLogger(HttpCitySink.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String tenant;
    private final HttpClient client;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight;
    private final int concurrency;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param base the node, e.g. {@code http://127.0.0.1:8080}
     * @param tenant the NGSI-LD tenant, {@code default} for none
     * @param concurrency requests in flight at most
     */
    public HttpCitySink(URI base, String tenant, int concurrency) {
        this.base = base;
        this.tenant = tenant;
        this.concurrency = concurrency;
        this.inFlight = new Semaphore(concurrency);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (!tenant.equals("default")) {
            b.header("NGSILD-Tenant", tenant);
        }
        return b;
    }

    private HttpResponse<String> post(HttpRequest r) {
        try {
            return client.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SimulatorException("Cannot reach the node at " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("Interrupted while talking to " + base, e);
        }
    }

    @Override
    public void upsertEntities(List<Map<String, Object>> entities) {
        HttpResponse<String> r = post(request("/ngsi-ld/v1/entityOperations/upsert")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(entities)))
                .build());
        if (r.statusCode() != 201 && r.statusCode() != 204) {
            throw new SimulatorException("Upserting " + entities.size() + " entities failed with " + r.statusCode()
                    + ": " + abbreviate(r.body()));
        }
    }

    @Override
    public void provision(List<SimDevice> devices) {
        for (SimDevice d : devices) {
            acquire();
            executor.execute(() -> {
                try {
                    HttpResponse<String> r = post(request("/iot/v1/devices")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(json(registration(d))))
                            .build());
                    if (r.statusCode() != 201 && r.statusCode() != 409) {
                        LOG.warn("Device {} was not provisioned: {} {}", d.id(), r.statusCode(), abbreviate(r.body()));
                        failed.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Device {} was not provisioned: {}", d.id(), e.getMessage());
                    failed.incrementAndGet();
                } finally {
                    inFlight.release();
                }
            });
        }
        flush();
    }

    /** The registration of a device as the device API takes it. */
    static Map<String, Object> registration(SimDevice d) {
        Map<String, Object> mapping = new LinkedHashMap<>();
        for (SimDevice.Field f : d.fields()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attribute", f.attribute());
            if (!f.unitCode().isEmpty()) {
                m.put("unitCode", f.unitCode());
            }
            if (!f.type().isEmpty()) {
                m.put("type", f.type());
            }
            mapping.put(f.name(), m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", d.id());
        body.put("entityId", d.entityId());
        body.put("entityType", d.entityType());
        body.put("credentials", Map.of("token", d.token()));
        body.put("format", "json");
        body.put("mapping", mapping);
        return body;
    }

    @Override
    public void send(Telemetry message) {
        acquire();
        executor.execute(() -> {
            try {
                HttpResponse<String> r = post(request(
                                "/iot/v1/devices/" + message.device().id() + "/telemetry")
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + message.device().token())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(message.payload()))
                        .build());
                int s = r.statusCode();
                if (s >= 200 && s < 300) {
                    accepted.incrementAndGet();
                } else if (s == 400 || s == 422) {
                    rejected.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    LOG.debug(
                            "Telemetry of {} answered {}: {}", message.device().id(), s, abbreviate(r.body()));
                }
            } catch (RuntimeException e) {
                failed.incrementAndGet();
            } finally {
                inFlight.release();
            }
        });
    }

    private void acquire() {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("Interrupted while sending", e);
        }
    }

    @Override
    public void flush() {
        try {
            inFlight.acquire(concurrency);
            inFlight.release(concurrency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Stats stats() {
        return new Stats(accepted.get(), rejected.get(), failed.get());
    }

    @Override
    public void close() {
        flush();
        executor.close();
        client.close();
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SimulatorException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
