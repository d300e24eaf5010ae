package io.citytwin.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.citytwin.alarm.AlarmService;
import io.citytwin.event.EventLog;
import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.rule.RuleEngine;
import io.citytwin.rule.RuleException;
import io.citytwin.rule.RuleService;
import io.citytwin.rule.SampleSource;
import io.citytwin.rule.sqlite.AlarmsDb;
import io.citytwin.rule.sqlite.SqliteAlarmStore;
import io.citytwin.rule.sqlite.SqliteRuleStore;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules part of a node: {@code alarms.db}, the alarm service, the rules engine consuming the event log, the
 * bundled packs and the rule files of {@code rules.dir} (hot-reloaded: an invalid file is rejected with its problems
 * and the rules it defined before keep running), the periodic tick, and the metrics.
 */
final class NodeRules implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRules.class);
    /** The packs shipped in citytwin-rules, in load order. */
    static final List<String> BUNDLED_PACKS =
            List.of("lighting", "traffic", "water", "environment", "energy", "devices");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AlarmsDb db;
    private final AlarmService alarms;
    private final RuleEngine engine;
    private final RuleService service;
    private final Path rulesDir;
    private final ScheduledExecutorService ticker;
    private final Map<String, String> fileErrors = new ConcurrentHashMap<>();
    private @Nullable WatchService watcher;
    private @Nullable Thread watchThread;

    private NodeRules(
            AlarmsDb db,
            AlarmService alarms,
            RuleEngine engine,
            RuleService service,
            Path rulesDir,
            ScheduledExecutorService ticker) {
        this.db = db;
        this.alarms = alarms;
        this.engine = engine;
        this.service = service;
        this.rulesDir = rulesDir;
        this.ticker = ticker;
    }

    static NodeRules start(
            CityTwinConfig.Rules config,
            Path dataDir,
            InstantSource clock,
            Twin twin,
            EventLog log,
            @Nullable HistoryStore history,
            io.citytwin.ngsild.ContextResolver contexts,
            MeterRegistry metrics) {
        io.citytwin.ngsild.LdContext core = contexts.core();
        java.util.function.UnaryOperator<String> names = n -> n.contains(":") ? n : core.expandTerm(n);
        AlarmsDb db = AlarmsDb.open(dataDir, clock);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rules-tick");
            t.setDaemon(true);
            return t;
        });
        RuleEngine engine = null;
        try {
            AlarmService alarms = new AlarmService(
                    new SqliteAlarmStore(db),
                    twin,
                    clock,
                    (problem, cause) -> LOG.warn("Alarms: {}", problem, cause),
                    names);
            engine = new RuleEngine(
                    log,
                    twin,
                    alarms,
                    clock,
                    RuleEngine.Options.DEFAULTS
                            .withEventTick(config.eventTick())
                            .withTraceSpan(config.traceSpan()),
                    (problem, cause) -> LOG.warn("Rules: {}", problem, cause));
            RuleService service = new RuleService(engine, new SqliteRuleStore(db), clock, names);
            for (String problem : service.startupProblems()) {
                LOG.error("Rules: {}", problem);
            }
            List<String> packs = config.packs() == null ? BUNDLED_PACKS : config.packs();
            for (String pack : packs) {
                loadPack(service, pack);
            }
            Path dir = (config.dir() == null ? dataDir.resolve("rules") : config.dir())
                    .toAbsolutePath()
                    .normalize();
            NodeRules rules = new NodeRules(db, alarms, engine, service, dir, ticker);
            rules.loadDirectory();
            rebuild(engine, config.rebuild(), history);
            engine.start();
            RuleEngine e = engine;
            long every = config.tickEvery().toMillis();
            ticker.scheduleWithFixedDelay(
                    () -> {
                        try {
                            e.tick();
                        } catch (RuntimeException ex) {
                            LOG.error("Rules tick failed", ex);
                        }
                    },
                    every,
                    every,
                    TimeUnit.MILLISECONDS);
            rules.watch();
            rules.bindMetrics(metrics);
            LOG.info("Rules: {} rules from {} packs and {}", engine.rules().size(), packs.size(), dir);
            return rules;
        } catch (RuntimeException e) {
            ticker.shutdownNow();
            if (engine != null) {
                engine.close();
            }
            db.close();
            throw e;
        }
    }

    /*
     * Windows and detectors live in memory; without a rebuild a restarted node decides nothing until they refill (a
     * seasonal baseline: days). The engine replays each (rule, entity)'s past samples from the history store before it
     * consumes the log, bounded by maxSamples per series and by a time budget, so start-up is never held up for long.
     * The events between the last sample in the history and the rules' committed offset (at most one log batch the
     * rules had not committed) are evaluated again when the engine resumes: a window may count them twice.
     */
    private static void rebuild(RuleEngine engine, CityTwinConfig.RulesRebuild config, @Nullable HistoryStore history) {
        if (!config.enabled()) {
            LOG.info("Rules: no rebuild of windows and detectors (rules.rebuild.lookback: PT0S)");
            return;
        }
        if (history == null) {
            LOG.info("Rules: no rebuild of windows and detectors (history off)");
            return;
        }
        RuleEngine.Rebuild r = engine.rebuild(
                samples(history),
                config.lookback(),
                config.maxSamples(),
                config.budget(),
                p -> LOG.info(
                        "Rules: rebuilding windows and detectors: {} states from {} samples so far ({} s)",
                        p.states(),
                        p.samples(),
                        p.elapsed().toSeconds()));
        if (r.complete()) {
            LOG.info(
                    "Rules: rebuilt {} windows and detectors from {} samples of the last {} in {} ms",
                    r.states(),
                    r.samples(),
                    config.lookback(),
                    r.elapsed().toMillis());
        } else {
            LOG.warn(
                    "Rules: rebuild stopped at its budget of {} after {} states from {} samples; the others start"
                            + " empty (raise rules.rebuild.budget or lower rules.rebuild.maxSamples)",
                    config.budget(),
                    r.states(),
                    r.samples());
        }
    }

    /**
     * The history store as the engine's source of past samples: the default instance's series of the attribute;
     * scalar values only (numbers, strings, booleans), so a downsampled period counts as its average.
     */
    static SampleSource samples(HistoryStore history) {
        return (tenant, entity, attribute, from, to, limit) -> {
            // SampleSource ranges are closed, the store's half-open
            List<AttributeRecord> records =
                    history.read(SeriesKey.of(tenant, entity, attribute), from, to.plusNanos(1), limit);
            List<SampleSource.Sample> out = new ArrayList<>(records.size());
            for (AttributeRecord rec : records) {
                Object v = rec.instance().value();
                if (v instanceof Double || v instanceof Long || v instanceof String || v instanceof Boolean) {
                    out.add(new SampleSource.Sample(rec.observedAt(), v));
                } else if (v instanceof Number n) {
                    out.add(new SampleSource.Sample(rec.observedAt(), n.doubleValue()));
                }
            }
            return out;
        };
    }

    private static void loadPack(RuleService service, String pack) {
        String resource = "/io/citytwin/rule/packs/" + pack + ".yaml";
        try (InputStream in = RuleService.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw TwinException.badData(
                        "rules.pack-unknown", "Unknown rule pack '" + pack + "'; bundled: " + BUNDLED_PACKS);
            }
            service.load(RuleService.Source.PACK, "pack:" + pack, YAML.readValue(in, Object.class));
        } catch (IOException e) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "rules.pack-unreadable", "Cannot read pack " + pack, e);
        }
    }

    AlarmService alarms() {
        return alarms;
    }

    RuleService service() {
        return service;
    }

    RuleEngine engine() {
        return engine;
    }

    /** The rules directory (created when missing). */
    Path rulesDir() {
        return rulesDir;
    }

    /** The last error of each rejected rule file, by file name (empty once it loads). */
    Map<String, String> fileErrors() {
        return Map.copyOf(fileErrors);
    }

    private static boolean isRuleFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    private void loadDirectory() {
        try {
            Files.createDirectories(rulesDir);
        } catch (IOException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "rules.dir", "Cannot create the rules directory " + rulesDir, e);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(rulesDir)) {
            for (Path f : files) {
                if (isRuleFile(f) && Files.isRegularFile(f)) {
                    loadFile(f);
                }
            }
        } catch (IOException e) {
            LOG.error("Cannot list the rules directory {}", rulesDir, e);
        }
    }

    /** Loads (or reloads) one rule file; an invalid one is logged and leaves its previous rules in force. */
    void loadFile(Path f) {
        String name = f.getFileName().toString();
        try {
            byte[] bytes = Files.readAllBytes(f);
            Object tree = name.toLowerCase(Locale.ROOT).endsWith(".json")
                    ? JSON.readValue(bytes, Object.class)
                    : YAML.readValue(bytes, Object.class);
            if (tree == null) {
                throw new RuleException(name, List.of(new io.citytwin.rule.RuleProblem("", "the file is empty")));
            }
            List<String> ids = service.load(RuleService.Source.FILE, name, tree);
            fileErrors.remove(name);
            LOG.info("Rule file {} loaded: {}", name, ids);
        } catch (RuleException e) {
            fileErrors.put(name, e.detail());
            LOG.error("Rule file {} rejected; its previous rules keep running. {}", name, e.detail());
        } catch (IOException e) {
            String msg = "Rule file " + name + " is not valid YAML/JSON: " + e.getMessage();
            fileErrors.put(name, msg);
            LOG.error("{}; its previous rules keep running", msg);
        }
    }

    /*
     * Hot reload: a WatchService on the rules directory; a created or modified file is (re)loaded after a short
     * settle delay (editors write in several steps), a deleted one unloaded. Loading is all-or-nothing per file.
     */
    private void watch() {
        try {
            WatchService ws = rulesDir.getFileSystem().newWatchService();
            rulesDir.register(
                    ws,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            watcher = ws;
            Thread t = new Thread(() -> watchLoop(ws), "rules-watch");
            t.setDaemon(true);
            t.start();
            watchThread = t;
        } catch (IOException e) {
            LOG.warn("Rule files in {} will not be hot-reloaded: {}", rulesDir, e.toString());
        }
    }

    private void watchLoop(WatchService ws) {
        while (true) {
            WatchKey key;
            try {
                key = ws.take();
                Thread.sleep(100); // let the writer finish
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            java.util.Set<Path> changed = new java.util.LinkedHashSet<>();
            for (WatchEvent<?> ev : key.pollEvents()) {
                if (ev.context() instanceof Path p) {
                    changed.add(rulesDir.resolve(p));
                }
            }
            key.reset();
            for (Path f : changed) {
                if (!isRuleFile(f)) {
                    continue;
                }
                try {
                    if (Files.isRegularFile(f)) {
                        loadFile(f);
                    } else {
                        service.unload(f.getFileName().toString());
                        fileErrors.remove(f.getFileName().toString());
                        LOG.info("Rule file {} removed", f.getFileName());
                    }
                } catch (RuntimeException e) {
                    LOG.error("Reloading rule file {} failed", f, e);
                }
            }
        }
    }

    private void bindMetrics(MeterRegistry metrics) {
        FunctionCounter.builder(
                        "citytwin.rules.evaluations", engine, e -> e.stats().evaluations())
                .description("Rule evaluations (per rule and entity sample or tick)")
                .register(metrics);
        FunctionCounter.builder(
                        "citytwin.rules.evaluation.seconds",
                        engine,
                        e -> e.stats().evaluationNanos() / 1e9)
                .description("Time spent evaluating rule conditions")
                .register(metrics);
        FunctionCounter.builder(
                        "citytwin.rules.samples.late", engine, e -> e.stats().lateSamples())
                .description("Out-of-order samples taken within the grace")
                .register(metrics);
        FunctionCounter.builder(
                        "citytwin.rules.samples.dropped", engine, e -> e.stats().droppedSamples())
                .description("Samples later than the grace, dropped")
                .register(metrics);
        FunctionCounter.builder("citytwin.alarms.raised", engine, e -> e.stats().alarmsRaised())
                .description("Alarm raises by rules (new alarms and repeated occurrences)")
                .register(metrics);
        FunctionCounter.builder(
                        "citytwin.alarms.cleared", engine, e -> e.stats().alarmsCleared())
                .description("Alarms cleared by their rule")
                .register(metrics);
        Gauge.builder("citytwin.rules.count", engine, e -> e.stats().rules())
                .description("Rules in force")
                .register(metrics);
        Gauge.builder("citytwin.rules.states", engine, e -> e.stats().states())
                .description("Rule and entity pairs with state")
                .register(metrics);
    }

    @Override
    public void close() {
        WatchService ws = watcher;
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                LOG.warn("Closing the rules watcher failed", e);
            }
        }
        if (watchThread != null) {
            watchThread.interrupt();
        }
        ticker.shutdownNow();
        engine.close();
        db.close();
    }
}
