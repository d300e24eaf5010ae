package io.citytwin.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.citytwin.http.ApiLimits;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a node, read from a YAML file ({@code --config}); every value has a default, so an empty or
 * absent file gives a working embedded node. Command-line options override the file. See docs/configuration.md.
 *
 * @param dataDir where the node keeps its data (SQLite files)
 * @param http the HTTP API
 * @param store the embedded store
 * @param contexts JSON-LD @context resolution
 * @param history the history of attribute values
 * @param mqtt devices over MQTT (embedded broker or external broker)
 * @param dashboard the IOC dashboard served at {@code /} (see docs/dashboard.md)
 * @param rules the streaming rules engine and alarms (docs/rules.md)
 * @param kpi the derived KPIs (docs/kpi.md)
 * @param incidents incidents, the collaborative command (docs/incidents.md)
 */
public record CityTwinConfig(
        @JsonProperty("dataDir") Path dataDir,
        @JsonProperty("http") Http http,
        @JsonProperty("store") Store store,
        @JsonProperty("contexts") Contexts contexts,
        @JsonProperty("history") History history,
        @JsonProperty("mqtt") MqttConfig mqtt,
        @JsonProperty("dashboard") DashboardConfig dashboard,
        @JsonProperty("rules") Rules rules,
        @JsonProperty("kpi") KpiConfig kpi,
        @JsonProperty("incidents") IncidentConfig incidents) { // ---- incidents (issue 8): the last component

    /** A configuration with the default dashboard, rules and KPI settings. */
    public CityTwinConfig(Path dataDir, Http http, Store store, Contexts contexts, History history, MqttConfig mqtt) {
        this(dataDir, http, store, contexts, history, mqtt, null, null, null, null);
    }

    public CityTwinConfig {
        dashboard = dashboard == null ? DashboardConfig.DEFAULTS : dashboard;
        rules = rules == null ? Rules.DEFAULTS : rules;
        kpi = kpi == null ? KpiConfig.DEFAULTS : kpi;
        incidents = incidents == null ? IncidentConfig.DEFAULTS : incidents;
        mqtt = mqtt == null ? MqttConfig.DEFAULTS : mqtt;
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        http = http == null ? Http.DEFAULTS : http;
        store = store == null ? Store.DEFAULTS : store;
        contexts = contexts == null ? Contexts.DEFAULTS : contexts;
        history = history == null ? History.DEFAULTS : history;
    }

    /**
     * The defaults: ./data, port 8080 on all interfaces, synchronous=NORMAL, remote contexts allowed, history on.
     */
    public static CityTwinConfig defaults() {
        return new CityTwinConfig(null, null, null, null, null, null, null, null, null, null);
    }

    /** This configuration with other KPI settings. */
    CityTwinConfig withKpi(KpiConfig k) {
        return new CityTwinConfig(dataDir, http, store, contexts, history, mqtt, dashboard, rules, k, incidents);
    }

    /**
     * The history of attribute values (the temporal API).
     *
     * @param enabled whether every attribute change is recorded; off gives the highest update throughput and no
     *     temporal API
     * @param instanceLimit the most instances of one attribute in one temporal response (beyond: 206 and
     *     Content-Range)
     * @param retention how long history is kept, per tenant and optionally entity type; none = forever
     * @param downsampling old data kept as one average/min/max/count record per period, per tenant and type
     * @param maintenanceEvery how often retention and downsampling run
     * @param commitDelay how long the history store lets records gather before it commits them (0 to 60 s); the
     *     records are in the twin store's journal until then, so a longer delay loses nothing on a crash, costs
     *     less per record and makes new history visible to temporal queries that much later
     */
    public record History(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("instanceLimit") Integer instanceLimit,
            @JsonProperty("retention") List<Retention> retention,
            @JsonProperty("downsampling") List<Downsample> downsampling,
            @JsonProperty("maintenanceEvery") Duration maintenanceEvery,
            @JsonProperty("commitDelay") Duration commitDelay) {
        static final Duration DEFAULT_COMMIT_DELAY = Duration.ofMillis(250);
        static final History DEFAULTS = new History(null, null, null, null, null, null);

        public History {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            instanceLimit = instanceLimit == null ? 10_000 : instanceLimit;
            if (instanceLimit < 1) {
                throw new IllegalArgumentException("history.instanceLimit must be positive");
            }
            retention = retention == null ? List.of() : List.copyOf(retention);
            downsampling = downsampling == null ? List.of() : List.copyOf(downsampling);
            maintenanceEvery = maintenanceEvery == null ? Duration.ofHours(1) : maintenanceEvery;
            commitDelay = commitDelay == null ? DEFAULT_COMMIT_DELAY : commitDelay;
            if (commitDelay.isNegative() || commitDelay.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException(
                        "history.commitDelay must be between 0 and 60 s, got " + commitDelay);
            }
        }

        /** This history setting with another instance limit. */
        History withInstanceLimit(int limit) {
            return new History(enabled, limit, retention, downsampling, maintenanceEvery, commitDelay);
        }
    }

    /**
     * A retention rule: keep the history of {@code tenant} (entities of {@code type} only, when given) for {@code
     * keep}.
     *
     * @param tenant the tenant ({@code default} for requests without NGSILD-Tenant)
     * @param type an entity type: a short name of the core context or a full IRI; null = every type
     * @param keep how long, an ISO 8601 duration (e.g. P90D)
     */
    public record Retention(
            @JsonProperty("tenant") String tenant,
            @JsonProperty("type") String type,
            @JsonProperty("keep") Duration keep) {
        public Retention {
            tenant = tenant == null ? "default" : tenant;
            if (keep == null) {
                throw new IllegalArgumentException("a history.retention rule needs keep");
            }
        }
    }

    /**
     * A downsampling rule: history of {@code tenant} (and {@code type}) older than {@code olderThan} is kept as one
     * record per {@code period}.
     */
    public record Downsample(
            @JsonProperty("tenant") String tenant,
            @JsonProperty("type") String type,
            @JsonProperty("olderThan") Duration olderThan,
            @JsonProperty("period") Duration period) {
        public Downsample {
            tenant = tenant == null ? "default" : tenant;
            period = period == null ? Duration.ofHours(1) : period;
            if (olderThan == null) {
                throw new IllegalArgumentException("a history.downsampling rule needs olderThan");
            }
        }
    }

    /**
     * The HTTP API.
     *
     * @param host interface to listen on
     * @param port TCP port (0: any free port)
     * @param maxBodyBytes largest request body
     * @param defaultLimit page size without {@code limit}
     * @param maxLimit largest {@code limit}
     * @param maxQueryLength longest {@code q}
     * @param maxBatch most entities per batch operation
     */
    public record Http(
            @JsonProperty("host") String host,
            @JsonProperty("port") Integer port,
            @JsonProperty("maxBodyBytes") Long maxBodyBytes,
            @JsonProperty("defaultLimit") Integer defaultLimit,
            @JsonProperty("maxLimit") Integer maxLimit,
            @JsonProperty("maxQueryLength") Integer maxQueryLength,
            @JsonProperty("maxBatch") Integer maxBatch) {
        static final Http DEFAULTS = new Http(null, null, null, null, null, null, null);

        public Http {
            ApiLimits d = ApiLimits.DEFAULTS;
            host = host == null ? "0.0.0.0" : host;
            port = port == null ? 8080 : port;
            maxBodyBytes = maxBodyBytes == null ? d.maxBodyBytes() : maxBodyBytes;
            defaultLimit = defaultLimit == null ? d.defaultLimit() : defaultLimit;
            maxLimit = maxLimit == null ? d.maxLimit() : maxLimit;
            maxQueryLength = maxQueryLength == null ? d.maxQueryLength() : maxQueryLength;
            maxBatch = maxBatch == null ? d.maxBatch() : maxBatch;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("http.port must be 0..65535, got " + port);
            }
        }

        ApiLimits limits() {
            return new ApiLimits(maxBodyBytes, defaultLimit, maxLimit, maxQueryLength, maxBatch);
        }

        Http withPort(int p) {
            return new Http(host, p, maxBodyBytes, defaultLimit, maxLimit, maxQueryLength, maxBatch);
        }

        Http withHost(String h) {
            return new Http(h, port, maxBodyBytes, defaultLimit, maxLimit, maxQueryLength, maxBatch);
        }
    }

    /**
     * The embedded SQLite store.
     *
     * @param synchronous NORMAL (survives a killed process; the default) or FULL (also survives power loss)
     * @param journalRetention the most changes kept in the store's journal for event consumers that lag behind
     *     (history, subscriptions); default 2,000,000
     */
    public record Store(
            @JsonProperty("synchronous") String synchronous,
            @JsonProperty("journalRetention") @Nullable Long journalRetention) {
        static final Store DEFAULTS = new Store(null, null);

        public Store {
            synchronous = synchronous == null ? "NORMAL" : synchronous.toUpperCase(java.util.Locale.ROOT);
            if (!synchronous.equals("NORMAL") && !synchronous.equals("FULL")) {
                throw new IllegalArgumentException("store.synchronous must be NORMAL or FULL, got " + synchronous);
            }
            if (journalRetention == null) {
                journalRetention = 2_000_000L;
            } else if (journalRetention < 1) {
                throw new IllegalArgumentException(
                        "store.journalRetention must be at least 1, got " + journalRetention);
            }
        }
    }

    /**
     * JSON-LD @context resolution.
     *
     * @param allowRemote whether user contexts may be fetched over the network
     * @param fetchTimeout timeout of one fetch (ISO 8601 duration, e.g. PT5S)
     * @param mappings context URL to local file, checked before the network (for closed networks)
     */
    public record Contexts(
            @JsonProperty("allowRemote") Boolean allowRemote,
            @JsonProperty("fetchTimeout") Duration fetchTimeout,
            @JsonProperty("mappings") Map<String, Path> mappings) {
        static final Contexts DEFAULTS = new Contexts(null, null, null);

        public Contexts {
            allowRemote = allowRemote == null ? Boolean.TRUE : allowRemote;
            fetchTimeout = fetchTimeout == null ? Duration.ofSeconds(5) : fetchTimeout;
            mappings = mappings == null ? Map.of() : Map.copyOf(mappings);
        }
    }

    /**
     * The streaming rules engine and alarms (docs/rules.md).
     *
     * @param enabled whether rules run and the alarms and rules APIs are served (default true)
     * @param dir the directory of rule files (YAML/JSON, hot-reloaded); default {@code <dataDir>/rules}
     * @param packs the bundled rule packs to load (default all: lighting, traffic, water, environment, energy,
     *     devices); an empty list loads none
     * @param tickEvery how often time-driven conditions (durations, absence) are evaluated against the wall clock
     *     (default PT5S); what moves time for idle sources
     * @param eventTick the step of event-time ticks: timed conditions are also evaluated at every multiple of it
     *     the data's own time crosses (default PT1M; PT0S: wall-clock ticks only)
     * @param rebuild the rebuild of windows and detectors from the history at start-up
     * @param traceSpan the wall-clock time a busy rule's trace (200 evaluations) should cover: its sampling of
     *     ordinary evaluations thins out as the rule gets busier (default PT10M; PT0S: one in ten, whatever the load)
     */
    public record Rules(
            @JsonProperty("enabled") Boolean enabled,
            @JsonProperty("dir") @Nullable Path dir,
            @JsonProperty("packs") @Nullable List<String> packs,
            @JsonProperty("tickEvery") Duration tickEvery,
            @JsonProperty("eventTick") Duration eventTick,
            @JsonProperty("rebuild") RulesRebuild rebuild,
            @JsonProperty("traceSpan") Duration traceSpan) {
        static final Rules DEFAULTS = new Rules(null, null, null, null);

        public Rules {
            enabled = enabled == null ? Boolean.TRUE : enabled;
            packs = packs == null ? null : List.copyOf(packs);
            tickEvery = tickEvery == null ? Duration.ofSeconds(5) : tickEvery;
            if (tickEvery.isNegative() || tickEvery.isZero()) {
                throw new IllegalArgumentException("rules.tickEvery must be positive");
            }
            eventTick = eventTick == null ? Duration.ofMinutes(1) : eventTick;
            if (eventTick.isNegative()) {
                throw new IllegalArgumentException("rules.eventTick must not be negative (PT0S: off)");
            }
            rebuild = rebuild == null ? RulesRebuild.DEFAULTS : rebuild;
            traceSpan = traceSpan == null ? Duration.ofMinutes(10) : traceSpan;
            if (traceSpan.isNegative()) {
                throw new IllegalArgumentException("rules.traceSpan must not be negative (PT0S: a fixed sampling)");
            }
        }

        /** The defaults for event-time ticks, the rebuild and traces. */
        public Rules(@Nullable Boolean enabled, @Nullable Path dir, @Nullable List<String> packs, Duration tickEvery) {
            this(enabled, dir, packs, tickEvery, null, null, null);
        }

        /** This rules section with another rebuild setting. */
        Rules withRebuild(RulesRebuild r) {
            return new Rules(enabled, dir, packs, tickEvery, eventTick, r, traceSpan);
        }
    }

    /**
     * The rebuild of the rules' windows, detectors and durations from the history when a node starts (docs/rules.md):
     * without it they start empty and decide nothing until they refill.
     *
     * @param lookback how far back to read (ISO 8601, default P7D; PT0S: no rebuild), counted back from each
     *     entity's newest reading
     * @param maxSamples at most this many samples per attribute and entity, the newest (default 2016: seven days of
     *     five-minute data)
     * @param budget the longest a rebuild may delay start-up (default PT60S); beyond it the remaining states start
     *     empty and a warning is logged
     */
    public record RulesRebuild(
            @JsonProperty("lookback") Duration lookback,
            @JsonProperty("maxSamples") Integer maxSamples,
            @JsonProperty("budget") Duration budget) {
        static final RulesRebuild DEFAULTS = new RulesRebuild(null, null, null);

        public RulesRebuild {
            lookback = lookback == null ? Duration.ofDays(7) : lookback;
            if (lookback.isNegative()) {
                throw new IllegalArgumentException("rules.rebuild.lookback must not be negative (PT0S: off)");
            }
            maxSamples = maxSamples == null ? 2016 : maxSamples;
            if (maxSamples < 1) {
                throw new IllegalArgumentException("rules.rebuild.maxSamples must be positive");
            }
            budget = budget == null ? Duration.ofSeconds(60) : budget;
            if (budget.isNegative() || budget.isZero()) {
                throw new IllegalArgumentException("rules.rebuild.budget must be positive");
            }
        }

        /** Whether a rebuild runs at all. */
        boolean enabled() {
            return !lookback.isZero();
        }
    }

    // ---- incidents (issue 8)
    /** This configuration with another incidents section. */
    CityTwinConfig withIncidents(IncidentConfig i) {
        return new CityTwinConfig(dataDir, http, store, contexts, history, mqtt, dashboard, rules, kpi, i);
    }
    // ---- end incidents

    /** This configuration with another rules section. */
    CityTwinConfig withRules(Rules r) {
        return new CityTwinConfig(dataDir, http, store, contexts, history, mqtt, dashboard, r, kpi, incidents);
    }

    /** This configuration with another MQTT port (0: no embedded broker). */
    CityTwinConfig withMqttPort(int port) {
        return new CityTwinConfig(
                dataDir, http, store, contexts, history, mqtt.withPort(port), dashboard, rules, kpi, incidents);
    }

    /** This configuration with history on or off. */
    CityTwinConfig withHistory(boolean enabled) {
        return new CityTwinConfig(
                dataDir,
                http,
                store,
                contexts,
                new History(
                        enabled,
                        history.instanceLimit(),
                        history.retention(),
                        history.downsampling(),
                        history.maintenanceEvery(),
                        history.commitDelay()),
                mqtt,
                dashboard,
                rules,
                kpi,
                incidents);
    }

    /** This configuration with another history (retention, downsampling, limits). */
    CityTwinConfig withHistory(History h) {
        return new CityTwinConfig(dataDir, http, store, contexts, h, mqtt, dashboard, rules, kpi, incidents);
    }

    /** This configuration with other dashboard settings. */
    CityTwinConfig withDashboard(DashboardConfig d) {
        return new CityTwinConfig(dataDir, http, store, contexts, history, mqtt, d, rules, kpi, incidents);
    }

    /** This configuration with the given overrides applied (nulls keep the file's values). */
    CityTwinConfig override(@Nullable Integer port, @Nullable String host, @Nullable Path dir) {
        Http h = http;
        if (port != null) {
            h = h.withPort(port);
        }
        if (host != null) {
            h = h.withHost(host);
        }
        return new CityTwinConfig(
                dir == null ? dataDir : dir, h, store, contexts, history, mqtt, dashboard, rules, kpi, incidents);
    }

    /**
     * Reads a YAML configuration file. Unknown keys are errors, so that a typo never silently falls back to a
     * default.
     */
    public static CityTwinConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TwinException(
                    ErrorType.BAD_REQUEST_DATA, "config.missing", "Configuration file not found: " + file);
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .findAndRegisterModules()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            if (Files.readString(file).isBlank()) {
                return defaults();
            }
            CityTwinConfig c = yaml.readValue(file.toFile(), CityTwinConfig.class);
            return c == null ? defaults() : c;
        } catch (UnrecognizedPropertyException e) {
            throw new TwinException(
                    ErrorType.BAD_REQUEST_DATA,
                    "config.unknown-key",
                    file + ": unknown setting '" + e.getPropertyName() + "' (known here: " + e.getKnownPropertyIds()
                            + ")");
        } catch (IOException | IllegalArgumentException e) {
            throw new TwinException(
                    ErrorType.BAD_REQUEST_DATA,
                    "config.invalid",
                    file + ": " + e.getMessage().split("\n")[0]);
        }
    }
}
