package io.citytwin.app;

import io.citytwin.dashboard.Dashboard;
import io.citytwin.device.CredentialCache;
import io.citytwin.device.DeviceAuthenticator;
import io.citytwin.device.PasswordHash;
import io.citytwin.device.sqlite.SqliteDeviceRegistry;
import io.citytwin.event.EventLog;
import io.citytwin.history.HistoryMaintenance;
import io.citytwin.history.HistoryWriter;
import io.citytwin.history.sqlite.SqliteHistoryOptions;
import io.citytwin.history.sqlite.SqliteHistoryStore;
import io.citytwin.http.ApiServer;
import io.citytwin.ingest.IngestService;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.store.sqlite.SqliteOptions;
import io.citytwin.store.sqlite.SqliteTwinRepository;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoJson;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running CityTwin node on the embedded defaults: the SQLite store under the data directory, the in-process
 * event log, the twin loaded from disk, and the HTTP API. Built by {@link #start}; {@link #close} stops it in reverse
 * order so that every acknowledged change is on disk.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final SqliteTwinRepository repository;
    private final SqliteDeviceRegistry devices;
    private final @Nullable SqliteHistoryStore history;
    private final @Nullable HistoryWriter historyWriter;
    private final @Nullable HistoryMaintenance maintenance;
    private final EventLog eventLog;
    private final Twin twin;
    private final ContextResolver contexts;
    private final EntityCodec codec;
    private final ApiServer api;
    private final DeviceIngest deviceIngest;
    private @Nullable NodeSubscriptions subscriptions;
    private @Nullable Dashboard dashboard;
    private @Nullable NodeRules rules;
    private @Nullable NodeKpis kpis;
    private @Nullable NodeIncidents incidents; // ---- incidents (issue 8)

    private Node(
            SqliteTwinRepository repository,
            SqliteDeviceRegistry devices,
            @Nullable SqliteHistoryStore history,
            @Nullable HistoryWriter historyWriter,
            @Nullable HistoryMaintenance maintenance,
            EventLog eventLog,
            Twin twin,
            ContextResolver contexts,
            EntityCodec codec,
            ApiServer api,
            DeviceIngest deviceIngest) {
        this.repository = repository;
        this.devices = devices;
        this.history = history;
        this.historyWriter = historyWriter;
        this.maintenance = maintenance;
        this.eventLog = eventLog;
        this.twin = twin;
        this.contexts = contexts;
        this.codec = codec;
        this.api = api;
        this.deviceIngest = deviceIngest;
    }

    /**
     * Opens the store, loads the twin and starts the API.
     *
     * @param extraContextMappings context URL to local file mappings added to the configured ones (e.g. the bundled
     *     Smart Data Models contexts of the demo)
     * @throws TwinException {@code http.port-in-use} when the HTTP port is taken; {@code store.open-failed} when the
     *     data directory cannot be used
     */
    public static Node start(CityTwinConfig config, InstantSource clock, Map<String, Path> extraContextMappings) {
        Path dir = config.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "store.open-failed", "Cannot create the data directory " + dir, e);
        }
        long t0 = System.nanoTime();
        SqliteTwinRepository repository = SqliteTwinRepository.open(
                dir,
                SqliteOptions.defaults()
                        .withClock(clock)
                        .withSynchronous(
                                SqliteOptions.Synchronous.valueOf(config.store().synchronous()))
                        .withJournalRetention(config.store().journalRetention()));
        EventLog eventLog = repository.events();
        Twin twin = new Twin(repository, clock);
        long loaded = twin.load();
        LOG.info(
                "Loaded {} entities in {} tenants from {} in {} ms",
                loaded,
                twin.tenants().size(),
                dir,
                Duration.ofNanos(System.nanoTime() - t0).toMillis());

        Map<String, Path> mappings = new HashMap<>(extraContextMappings);
        mappings.putAll(config.contexts().mappings());
        ContextResolver contexts = ContextResolver.builder()
                .allowRemote(config.contexts().allowRemote())
                .fetchTimeout(config.contexts().fetchTimeout())
                .localMappings(mappings)
                .build();
        EntityCodec codec = new EntityCodec(GeoJson::parse);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        Gauge.builder("citytwin.twin.entities", twin, Twin::size)
                .description("Entities in the twin, all tenants")
                .register(metrics);
        Gauge.builder("citytwin.store.pending.writes", repository, r -> r.pendingWrites())
                .description("Mutations waiting for the group commit")
                .register(metrics);
        Gauge.builder("citytwin.store.log.backlog", repository, r -> r.logBacklog())
                .description("Committed changes in the store's change log not yet folded into its snapshot")
                .register(metrics);
        Gauge.builder("citytwin.store.journal.size", repository, r -> r.journalSize())
                .description("Changes kept in the store's journal for consumers that have not processed them")
                .register(metrics);
        SqliteDeviceRegistry devices = SqliteDeviceRegistry.open(dir, clock);
        SqliteHistoryStore history = null;
        HistoryWriter historyWriter = null;
        if (config.history().enabled()) {
            history = SqliteHistoryStore.open(
                    dir,
                    SqliteHistoryOptions.defaults()
                            .withClock(clock)
                            .withSynchronous(SqliteHistoryOptions.Synchronous.valueOf(
                                    config.store().synchronous()))
                            .withCommitDelay(config.history().commitDelay()));
            FunctionCounter.builder("citytwin.history.records", history, SqliteHistoryStore::recordsWritten)
                    .description("Attribute instances committed to the history store")
                    .register(metrics);
            FunctionCounter.builder("citytwin.history.commits", history, SqliteHistoryStore::commits)
                    .description("Transactions of records committed to the history store (group commits)")
                    .register(metrics);
            Gauge.builder("citytwin.history.pending.records", history, SqliteHistoryStore::pendingRecords)
                    .description("Records handed to the history store and not yet committed")
                    .register(metrics);
            historyWriter = new HistoryWriter(
                            eventLog, history, (problem, cause) -> LOG.error("History: {}", problem, cause))
                    .start();
        } else {
            repository.forgetConsumer(HistoryWriter.CONSUMER); // the journal need not keep changes for it
        }
        DeviceAuthenticator authenticator = new DeviceAuthenticator(
                devices, new CredentialCache(clock, Duration.ofMinutes(10), 100_000), PasswordHash.DEFAULT_ITERATIONS);
        NodeSubscriptions subscriptions = NodeSubscriptions.start(dir, clock, twin, eventLog, contexts, codec, metrics);
        DeviceIngest deviceIngest = DeviceIngest.create(twin, clock, metrics, config.mqtt());
        IngestService ingest = deviceIngest.ingest;
        // ---- rules and alarms (docs/rules.md)
        NodeRules rules = null;
        if (config.rules().enabled()) {
            try {
                rules = NodeRules.start(config.rules(), dir, clock, twin, eventLog, history, contexts, metrics);
                io.citytwin.rule.RuleEngine engine = rules.engine();
                deviceIngest.forward((device, channel, outcome, nanos) -> {
                    if (outcome instanceof io.citytwin.ingest.IngestOutcome.Malformed) {
                        engine.signal(device.tenant(), device.entityId(), "decodeErrors", 1L);
                    }
                });
            } catch (RuntimeException e) {
                deviceIngest.close();
                subscriptions.close();
                closeHistory(historyWriter, history);
                devices.close();
                repository.close();
                throw e;
            }
        } else {
            repository.forgetConsumer(io.citytwin.rule.RuleEngine.CONSUMER);
        }
        // ---- end rules
        ApiServer api = null;
        HistoryMaintenance maintenance = null;
        Dashboard dashboard = null;
        NodeKpis kpis = null;
        NodeIncidents incidents = null; // ---- incidents (issue 8)
        try {
            // ---- KPI (docs/kpi.md): derived KPIs, an event log consumer writing through the twin
            kpis = NodeKpis.start(config.kpi(), twin, repository, history, clock, metrics);
            maintenance =
                    history == null ? null : HistoryRules.start(config.history(), history, contexts.core(), clock);
            // device health and dead letters kept across restarts (device-health.db)
            deviceIngest.persistHealth(dir, clock, metrics);
            // device commands (issue 4): consumer "commands" of the event log, HTTP poll/ack, MQTT transports
            io.citytwin.command.CommandService commands =
                    deviceIngest.startCommands(eventLog, twin, devices, dir, clock, metrics, config.mqtt());
            ApiServer.Builder builder = ApiServer.builder()
                    .twin(twin)
                    .contexts(contexts)
                    .codec(codec)
                    .limits(config.http().limits())
                    .metrics(metrics)
                    .host(config.http().host())
                    .port(config.http().port())
                    .devices(devices, authenticator, ingest, clock, PasswordHash.DEFAULT_ITERATIONS)
                    .subscriptions(subscriptions.service(), clock)
                    .commands(commands);
            if (history != null) {
                builder.history(history).temporal(config.history().instanceLimit(), clock);
            }
            // ---- dashboard (issue 7): the page at /, map endpoints and the SSE live feed
            if (config.dashboard().enabled()) {
                dashboard = Dashboard.start(twin, eventLog, config.dashboard().options(), clock);
                builder.extension(dashboard.routes());
            } else {
                LOG.info("Dashboard off (dashboard.enabled: false)");
            }
            // ---- end dashboard
            if (rules != null) {
                builder.alarms(rules.alarms()).rules(rules.service());
            }
            if (rules != null && dashboard != null) {
                forwardAlarms(rules.alarms(), dashboard); // contract C: alarms live on every open dashboard
            }
            kpis.service().ifPresent(builder::kpis);
            // ---- incidents (issue 8, docs/incidents.md): incidents.db, alarms open incidents, SLA monitor
            incidents =
                    NodeIncidents.start(config.incidents(), dir, clock, twin, rules == null ? null : rules.alarms());
            incidents.service().ifPresent(builder::incidents);
            incidents.open311(config.incidents(), clock).ifPresent(builder::extension); // /open311/v2, opinions
            if (dashboard != null) {
                forwardIncidents(incidents, dashboard); // contract B: incidents live on every open dashboard
            }
            // ---- end incidents
            api = builder.build().start();
            deviceIngest.startMqtt(config.mqtt(), config.http().host(), dir, devices, authenticator, clock, metrics);
        } catch (RuntimeException e) {
            if (dashboard != null) {
                dashboard.close();
            }
            if (api != null) {
                api.close();
            }
            if (maintenance != null) {
                maintenance.close();
            }
            deviceIngest.close();
            if (rules != null) {
                rules.close();
            }
            if (kpis != null) {
                kpis.close();
            }
            if (incidents != null) {
                incidents.close(); // ---- incidents
            }
            subscriptions.close();
            closeHistory(historyWriter, history);
            devices.close();
            repository.close();
            throw e;
        }
        Node node = new Node(
                repository,
                devices,
                history,
                historyWriter,
                maintenance,
                eventLog,
                twin,
                contexts,
                codec,
                api,
                deviceIngest);
        node.subscriptions = subscriptions;
        node.dashboard = dashboard;
        node.rules = rules;
        node.kpis = kpis;
        node.incidents = incidents; // ---- incidents
        return node;
    }

    /** Pushes every alarm change to the dashboard's live feed as an {@code alarm} event (the alarms API's JSON). */
    private static void forwardAlarms(io.citytwin.alarm.AlarmService alarms, Dashboard dashboard) {
        alarms.addListener(alarm -> broadcast(dashboard, "alarm", alarm.id(), alarm.toJson()));
    }

    /** Pushes every incident change to the dashboard's live feed as an {@code incident} event (its API JSON). */
    private static void forwardIncidents(NodeIncidents incidents, Dashboard dashboard) {
        incidents
                .service()
                .ifPresent(s -> s.addListener(
                        (incident, entry) -> broadcast(dashboard, "incident", incident.id(), incident.toJson())));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper FEED_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** Sends {@code json} to every open page as event {@code name}; a value that cannot be written is logged. */
    private static void broadcast(Dashboard dashboard, String name, String id, Map<String, Object> json) {
        try {
            dashboard.broadcast(name, FEED_JSON.writeValueAsString(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("Cannot send {} {} to the dashboard", name, id, e);
        }
    }

    /** Waits until the history has every change published so far (tests); nothing when history is off. */
    public void flushHistory() {
        if (historyWriter != null) {
            historyWriter.flush();
        }
    }

    private static void closeHistory(@Nullable HistoryWriter writer, @Nullable SqliteHistoryStore store) {
        if (writer != null) {
            writer.close(); // flushes what the event log delivered
        }
        if (store != null) {
            store.close();
        }
    }

    public Twin twin() {
        return twin;
    }

    /** The alarm service (contract C: {@code addListener} for the live feed); empty when rules are off. */
    public java.util.Optional<io.citytwin.alarm.AlarmService> alarms() {
        return rules == null ? java.util.Optional.empty() : java.util.Optional.of(rules.alarms());
    }

    /** The rules engine; empty when rules are off. */
    public java.util.Optional<io.citytwin.rule.RuleEngine> rules() {
        return rules == null ? java.util.Optional.empty() : java.util.Optional.of(rules.engine());
    }

    /** The last error of each rejected rule file, by file name (empty when every file loaded). */
    public Map<String, String> ruleFileErrors() {
        return rules == null ? Map.of() : rules.fileErrors();
    }

    /** The directory of hot-reloaded rule files; empty when rules are off. */
    public java.util.Optional<Path> rulesDir() {
        return rules == null ? java.util.Optional.empty() : java.util.Optional.of(rules.rulesDir());
    }

    public EntityCodec codec() {
        return codec;
    }

    public ContextResolver contexts() {
        return contexts;
    }

    // ---- incidents (issue 8)
    /** The incident service (docs/incidents.md), empty when {@code incidents.enabled} is false. */
    public java.util.Optional<io.citytwin.incident.IncidentService> incidents() {
        return incidents == null ? java.util.Optional.empty() : incidents.service();
    }
    // ---- end incidents

    /** The KPI service, empty when {@code kpi.enabled} is false. */
    public java.util.Optional<io.citytwin.kpi.KpiService> kpis() {
        return kpis == null ? java.util.Optional.empty() : kpis.service();
    }

    /** The embedded MQTT broker's port, 0 when it is off. */
    public int mqttPort() {
        return deviceIngest.mqttPort();
    }

    /** The device ingest pipeline (HTTP and MQTT). */
    public IngestService ingest() {
        return deviceIngest.ingest;
    }

    /**
     * The dashboard, when enabled: its {@code broadcast(eventName, json)} pushes application events (alarms) to every
     * open page (contract C).
     */
    public java.util.Optional<Dashboard> dashboard() {
        return java.util.Optional.ofNullable(dashboard);
    }

    /** The device command service (tests, diagnostics). */
    public io.citytwin.command.CommandService commands() {
        return java.util.Objects.requireNonNull(deviceIngest.commands());
    }

    /** The HTTP port the API listens on. */
    public int httpPort() {
        return api.port();
    }

    @Override
    public void close() {
        deviceIngest.closeMqtt();
        if (dashboard != null) {
            dashboard.close(); // ends the open SSE streams, so the server need not wait for them
        }
        api.close();
        if (maintenance != null) {
            maintenance.close();
        }
        deviceIngest.close();
        if (rules != null) {
            rules.close();
        }
        if (kpis != null) {
            kpis.close(); // after ingest, before the store: its last writes go through the twin
        }
        if (incidents != null) {
            incidents.close(); // ---- incidents: after the API and the rules (no more alarms)
        }
        if (subscriptions != null) {
            subscriptions.close();
        }
        closeHistory(historyWriter, history);
        devices.close();
        repository.close(); // stops the event log after the last commit
    }
}
