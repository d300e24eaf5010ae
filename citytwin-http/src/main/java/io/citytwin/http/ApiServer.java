package io.citytwin.http;

import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a CityTwin node: the NGSI-LD API under {@code /ngsi-ld/v1}, {@code /health} and Prometheus
 * {@code /metrics}. Runs every request on a virtual thread.
 *
 * <p>Every error leaves as NGSI-LD problem details with the right status; unexpected failures are logged with their
 * stack trace and answered with a generic InternalError, never with internals.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final Twin twin;
    private final ContextResolver resolver;
    private final EntityCodec codec;
    private final ApiLimits limits;
    private final PrometheusMeterRegistry metrics;
    private final Responses out = new Responses();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> errorCounters = new ConcurrentHashMap<>();

    private ApiServer(Builder b) {
        this.twin = Objects.requireNonNull(b.twin);
        this.resolver = Objects.requireNonNull(b.resolver);
        this.codec = Objects.requireNonNull(b.codec);
        this.limits = b.limits;
        this.metrics = Objects.requireNonNull(b.metrics);
        EntityHandlers entities = new EntityHandlers(twin, codec, out, limits);
        DiscoveryHandlers discovery = new DiscoveryHandlers(twin, out);
        this.app = Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.http.maxRequestSize = limits.maxBodyBytes();
            c.http.defaultContentType = MediaTypes.JSON;
            c.startup.showJavalinBanner = false;
            c.jetty.host = b.host;
            c.jetty.port = b.port;
            JavalinDefaultRoutingApi r = c.routes;
            String v1 = "/ngsi-ld/v1";
            r.post(v1 + "/entities", h(entities::create));
            r.get(v1 + "/entities", h(entities::query));
            r.get(v1 + "/entities/{id}", h(entities::retrieve));
            r.put(v1 + "/entities/{id}", h(entities::replace));
            r.patch(v1 + "/entities/{id}", h(entities::merge));
            r.delete(v1 + "/entities/{id}", h(entities::delete));
            r.post(v1 + "/entities/{id}/attrs", h(entities::appendAttrs));
            r.patch(v1 + "/entities/{id}/attrs", h(entities::updateAttrs));
            r.patch(v1 + "/entities/{id}/attrs/{attrId}", h(entities::patchAttr));
            r.put(v1 + "/entities/{id}/attrs/{attrId}", h(entities::replaceAttr));
            r.delete(v1 + "/entities/{id}/attrs/{attrId}", h(entities::deleteAttr));
            r.post(v1 + "/entityOperations/create", h(entities::batchCreate));
            r.post(v1 + "/entityOperations/upsert", h(entities::batchUpsert));
            r.post(v1 + "/entityOperations/update", h(entities::batchUpdate));
            r.post(v1 + "/entityOperations/delete", h(entities::batchDelete));
            r.post(v1 + "/entityOperations/merge", h(entities::batchMerge));
            r.post(v1 + "/entityOperations/query", h(entities::batchQuery));
            r.get(v1 + "/types", h(discovery::types));
            r.get(v1 + "/types/{type}", h(discovery::type));
            r.get(v1 + "/attributes", h(discovery::attributes));
            r.get(v1 + "/attributes/{attrId}", h(discovery::attribute));
            r.get("/ngsi-ld/ex/v1/tenants", h(discovery::tenants));
            if (b.history != null) {
                TemporalHandlers temporal =
                        new TemporalHandlers(twin, b.history, codec, out, limits, b.clock, b.temporalInstanceLimit);
                r.get(v1 + "/temporal/entities", h(temporal::query));
                r.post(v1 + "/temporal/entityOperations/query", h(temporal::queryPost));
                r.post(v1 + "/temporal/entities", h(temporal::create));
                r.get(v1 + "/temporal/entities/{id}", h(temporal::retrieve));
                r.delete(v1 + "/temporal/entities/{id}", h(temporal::delete));
                r.post(v1 + "/temporal/entities/{id}/attrs", h(temporal::appendAttrs));
                r.delete(v1 + "/temporal/entities/{id}/attrs/{attrId}", h(temporal::deleteAttr));
                r.patch(v1 + "/temporal/entities/{id}/attrs/{attrId}/{instanceId}", h(temporal::patchInstance));
                r.delete(v1 + "/temporal/entities/{id}/attrs/{attrId}/{instanceId}", h(temporal::deleteInstance));
            }
            if (b.subscriptions != null) {
                SubscriptionHandlers subs = new SubscriptionHandlers(b.subscriptions, out, limits, b.subscriptionClock);
                r.post(v1 + "/subscriptions", h(subs::create));
                r.get(v1 + "/subscriptions", h(subs::list));
                r.get(v1 + "/subscriptions/{id}", h(subs::retrieve));
                r.patch(v1 + "/subscriptions/{id}", h(subs::update));
                r.delete(v1 + "/subscriptions/{id}", h(subs::delete));
            }
            if (b.devices != null) {
                DeviceHandlers devices = new DeviceHandlers(
                        b.devices, b.authenticator, b.ingest, b.clock, out, limits, b.hashIterations, metrics);
                r.post("/iot/v1/devices", h(devices::create));
                r.get("/iot/v1/devices", h(devices::list));
                r.get("/iot/v1/devices/{id}", h(devices::get));
                r.patch("/iot/v1/devices/{id}", h(devices::update));
                r.delete("/iot/v1/devices/{id}", h(devices::delete));
                r.post("/iot/v1/devices/{id}/telemetry", h(devices::telemetry));
                r.post("/iot/v1/devices/{id}/attrs", h(devices::attrs));
                r.get("/iot/v1/devices/{id}/health", h(devices::health));
                r.get("/iot/v1/devices/{id}/deadletters", h(devices::deadLetters));
                if (b.commands != null) {
                    devices.commands(b.commands);
                    r.get("/iot/v1/devices/{id}/commands", h(devices::pollCommands));
                    r.post("/iot/v1/devices/{id}/commands/{cmd}/ack", h(devices::ackCommand));
                    r.get("/iot/v1/devices/{id}/commands/{cmd}", h(devices::command));
                }
            }
            for (Extension ext : b.extensions) {
                ext.register(new ExtensionRoutes(r));
            }
            if (b.alarms != null) {
                AlarmHandlers alarms = new AlarmHandlers(b.alarms, out);
                r.get("/api/v1/alarms", h(alarms::list));
                r.get("/api/v1/alarms/summary", h(alarms::summary));
                r.get("/api/v1/alarms/{id}", h(alarms::get));
                r.post("/api/v1/alarms/{id}/acknowledge", h(alarms::acknowledge));
                r.post("/api/v1/alarms/{id}/clear", h(alarms::clear));
            }
            if (b.rules != null) {
                RuleHandlers rules = new RuleHandlers(b.rules, out);
                r.get("/api/v1/rules", h(rules::list));
                r.post("/api/v1/rules/validate", h(rules::validate));
                r.get("/api/v1/rules/{id}", h(rules::get));
                r.put("/api/v1/rules/{id}", h(rules::put));
                r.delete("/api/v1/rules/{id}", h(rules::delete));
                r.get("/api/v1/rules/{id}/trace", h(rules::trace));
            }
            if (b.kpis != null) {
                KpiHandlers kpis = new KpiHandlers(b.kpis, out);
                r.get("/api/v1/kpis", h(kpis::get));
            }
            // ---- incidents (issue 8, contract B; docs/incidents.md)
            if (b.incidents != null) {
                IncidentHandlers inc = new IncidentHandlers(b.incidents, out, b.clock);
                r.get("/api/v1/incidents", h(inc::list));
                r.post("/api/v1/incidents", h(inc::create));
                r.get("/api/v1/incidents/kpis", h(inc::kpis));
                r.get("/api/v1/incidents/catalogue", h(inc::catalogue));
                r.put("/api/v1/incidents/catalogue", h(inc::putCatalogue));
                r.get("/api/v1/incidents/{id}", h(inc::get));
                r.post("/api/v1/incidents/{id}/status", h(inc::status));
                r.post("/api/v1/incidents/{id}/reopen", h(inc::reopen));
                r.post("/api/v1/incidents/{id}/comments", h(inc::comment));
                r.post("/api/v1/incidents/{id}/tasks", h(inc::addTask));
                r.post("/api/v1/incidents/{id}/tasks/{taskId}/status", h(inc::taskStatus));
                r.post("/api/v1/incidents/{id}/tasks/{taskId}/handoff", h(inc::handoff));
            }
            // ---- end incidents
            r.get("/health", ctx -> ctx.json(health()));
            r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
                    .result(metrics.scrape()));
            io.javalin.http.Handler unknown = h(req -> {
                throw TwinException.notFound(
                        "http.no-such-endpoint", "No NGSI-LD operation at " + req.ctx.method() + " " + req.ctx.path());
            });
            for (String p : new String[] {"/ngsi-ld/<rest>"}) {
                r.get(p, unknown);
                r.post(p, unknown);
                r.put(p, unknown);
                r.patch(p, unknown);
                r.delete(p, unknown);
            }
        });
    }

    /**
     * Routes another module adds to this server (the dashboard, for instance), registered by {@link
     * Builder#extension} after the NGSI-LD routes.
     */
    @FunctionalInterface
    public interface Extension {
        void register(Routes routes);
    }

    /**
     * Where an {@link Extension} adds its routes. Every handler runs like the server's own: on a virtual thread,
     * with a {@link TwinException} answered as NGSI-LD problem details, an unexpected failure logged and answered
     * with a generic InternalError, and the request timed in the metrics. Paths use Javalin's syntax ({@code {id}},
     * {@code <rest>}).
     */
    public interface Routes {
        void get(String path, io.javalin.http.Handler handler);

        void post(String path, io.javalin.http.Handler handler);

        void put(String path, io.javalin.http.Handler handler);

        void delete(String path, io.javalin.http.Handler handler);
    }

    private final class ExtensionRoutes implements Routes {
        private final JavalinDefaultRoutingApi r;

        ExtensionRoutes(JavalinDefaultRoutingApi r) {
            this.r = r;
        }

        @Override
        public void get(String path, io.javalin.http.Handler handler) {
            r.get(path, wrap(handler));
        }

        @Override
        public void post(String path, io.javalin.http.Handler handler) {
            r.post(path, wrap(handler));
        }

        @Override
        public void put(String path, io.javalin.http.Handler handler) {
            r.put(path, wrap(handler));
        }

        @Override
        public void delete(String path, io.javalin.http.Handler handler) {
            r.delete(path, wrap(handler));
        }

        private io.javalin.http.Handler wrap(io.javalin.http.Handler handler) {
            return h(req -> {
                try {
                    handler.handle(req.ctx);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new TwinException(
                            ErrorType.INTERNAL_ERROR, "internal", "Internal error; the node's log has the details", e);
                }
            });
        }
    }

    /** A builder; {@code twin}, {@code resolver} and {@code codec} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts listening. Throws {@link TwinException} (InternalError, code {@code http.port-in-use}) when the port is taken. */
    public ApiServer start() {
        try {
            app.start();
        } catch (RuntimeException e) {
            Throwable t = e;
            while (t != null) {
                if (t instanceof java.net.BindException) {
                    throw new TwinException(
                            ErrorType.INTERNAL_ERROR,
                            "http.port-in-use",
                            "HTTP port " + app.unsafe.jetty.port + " is already in use",
                            e);
                }
                t = t.getCause();
            }
            throw e;
        }
        return this;
    }

    /** The port the server listens on (useful with port 0). */
    public int port() {
        return app.port();
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    @Override
    public void close() {
        app.stop();
    }

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "UP");
        m.put("entities", twin.size());
        m.put("tenants", twin.tenants().size());
        return m;
    }

    private io.javalin.http.Handler h(Consumer<ApiRequest> handler) {
        return ctx -> {
            long start = System.nanoTime();
            try {
                long declared = ctx.contentLength();
                if (declared > limits.maxBodyBytes()) {
                    throw new TwinException(
                            ErrorType.PAYLOAD_TOO_LARGE,
                            "http.body-too-large",
                            "Request body of " + declared + " bytes exceeds the limit of " + limits.maxBodyBytes()
                                    + " bytes");
                }
                handler.accept(new ApiRequest(ctx, resolver, codec, limits.maxBodyBytes()));
            } catch (TwinException e) {
                problem(ctx, e);
            } catch (HttpResponseException e) {
                problem(
                        ctx,
                        e.getStatus() == 413
                                ? new TwinException(ErrorType.PAYLOAD_TOO_LARGE, "http.body-too-large", e.getMessage())
                                : TwinException.invalid("http.invalid", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("Unexpected failure in {} {}", ctx.method(), ctx.path(), e);
                problem(
                        ctx,
                        new TwinException(
                                ErrorType.INTERNAL_ERROR,
                                "internal",
                                "Internal error; the node's log has the details"));
            } finally {
                String route = ctx.endpoint() == null ? "unknown" : ctx.endpoint().path;
                timers.computeIfAbsent(ctx.method().name() + " " + route + " " + ctx.statusCode(), k -> Timer.builder(
                                        "citytwin.http.requests")
                                .description("NGSI-LD API requests by route and status")
                                .tag("method", ctx.method().name())
                                .tag("route", route)
                                .tag("status", Integer.toString(ctx.statusCode()))
                                .publishPercentileHistogram()
                                .register(metrics))
                        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        };
    }

    private void problem(Context ctx, TwinException e) {
        errorCounters
                .computeIfAbsent(e.type().title(), t -> Counter.builder("citytwin.http.errors")
                        .description("Error responses by NGSI-LD error type")
                        .tag("type", t)
                        .register(metrics))
                .increment();
        if (e.type() == ErrorType.INTERNAL_ERROR && e.getCause() != null) {
            LOG.error("Internal error ({}): {}", e.code(), e.detail(), e.getCause());
        }
        ctx.status(e.type().status()).contentType(MediaTypes.JSON).result(out.bytes(Problems.of(e)));
    }

    /** Builds an {@link ApiServer}. */
    public static final class Builder {
        private Twin twin;
        private ContextResolver resolver;
        private EntityCodec codec;
        private ApiLimits limits = ApiLimits.DEFAULTS;
        private PrometheusMeterRegistry metrics;
        private String host = "0.0.0.0";
        private int port = 8080;
        private io.citytwin.device.DeviceRegistry devices;
        private io.citytwin.history.store.HistoryStore history;
        private io.citytwin.device.DeviceAuthenticator authenticator;
        private io.citytwin.ingest.IngestService ingest;
        private java.time.InstantSource clock = java.time.InstantSource.system();
        private int hashIterations = io.citytwin.device.PasswordHash.DEFAULT_ITERATIONS;
        private int temporalInstanceLimit = TemporalHandlers.DEFAULT_INSTANCE_LIMIT;

        private io.citytwin.subscription.SubscriptionService subscriptions;
        private io.citytwin.command.CommandService commands;
        private java.time.InstantSource subscriptionClock = java.time.InstantSource.system();

        private final java.util.List<Extension> extensions = new java.util.ArrayList<>();
        private io.citytwin.alarm.AlarmService alarms;
        private io.citytwin.rule.RuleService rules;

        private Builder() {}

        /** Adds the routes of another module (see {@link Extension}); may be called several times. */
        public Builder extension(Extension extension) {
            this.extensions.add(Objects.requireNonNull(extension));
            return this;
        }

        /** Serves the alarms API ({@code /api/v1/alarms}) on this service. */
        public Builder alarms(io.citytwin.alarm.AlarmService service) {
            this.alarms = service;
            return this;
        }

        /** Serves the rules API ({@code /api/v1/rules}) on this service. */
        public Builder rules(io.citytwin.rule.RuleService service) {
            this.rules = service;
            return this;
        }

        /** Serves the subscription API ({@code /ngsi-ld/v1/subscriptions}) on this service. */
        public Builder subscriptions(
                io.citytwin.subscription.SubscriptionService service, java.time.InstantSource clock) {
            this.subscriptions = service;
            this.subscriptionClock = clock;
            return this;
        }

        /**
         * Device commands: the HTTP poll and acknowledgement under {@code /iot/v1/devices/{id}/commands}, and the
         * registry API keeps the command service's device index current. Needs {@link #devices}.
         */
        public Builder commands(io.citytwin.command.CommandService service) {
            this.commands = service;
            return this;
        }

        /** Serves the temporal API ({@code /ngsi-ld/v1/temporal/entities}) from this history store. */
        public Builder history(io.citytwin.history.store.HistoryStore store) {
            this.history = store;
            return this;
        }

        /**
         * The temporal API: the most instances of one attribute in one response (beyond: 206 Partial Content with a
         * Content-Range, see the temporal handlers), and the clock that stamps temporal writes.
         */
        public Builder temporal(int instanceLimit, java.time.InstantSource clock) {
            if (instanceLimit < 1) {
                throw new IllegalArgumentException("instanceLimit must be positive, not " + instanceLimit);
            }
            this.temporalInstanceLimit = instanceLimit;
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Serves the device API under {@code /iot/v1/devices} on this registry.
         *
         * @param ingest the ingest pipeline HTTP telemetry goes through (the same one the MQTT adapters use)
         * @param hashIterations PBKDF2 iterations for secrets registered through the API
         */
        public Builder devices(
                io.citytwin.device.DeviceRegistry registry,
                io.citytwin.device.DeviceAuthenticator authenticator,
                io.citytwin.ingest.IngestService ingest,
                java.time.InstantSource clock,
                int hashIterations) {
            this.devices = registry;
            this.authenticator = authenticator;
            this.ingest = ingest;
            this.clock = clock;
            this.hashIterations = hashIterations;
            return this;
        }

        public Builder twin(Twin twin) {
            this.twin = twin;
            return this;
        }

        public Builder contexts(ContextResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        public Builder codec(EntityCodec codec) {
            this.codec = codec;
            return this;
        }

        public Builder limits(ApiLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        public Builder metrics(PrometheusMeterRegistry metrics) {
            this.metrics = metrics;
            return this;
        }

        /** The interface to listen on; default all. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The TCP port; 0 picks a free one. Default 8080. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        // KPI (contract D)
        private io.citytwin.kpi.KpiService kpis;

        /** Serves the district KPIs ({@code GET /api/v1/kpis}, contract D) of this service. */
        public Builder kpis(io.citytwin.kpi.KpiService service) {
            this.kpis = service;
            return this;
        }

        // ---- incidents (issue 8)
        private io.citytwin.incident.IncidentService incidents;

        /** Serves the incidents API ({@code /api/v1/incidents}, contract B) of this service. */
        public Builder incidents(io.citytwin.incident.IncidentService service) {
            this.incidents = service;
            return this;
        }
        // ---- end incidents

        public ApiServer build() {
            if (metrics == null) {
                metrics = new PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            }
            return new ApiServer(this);
        }
    }
}
