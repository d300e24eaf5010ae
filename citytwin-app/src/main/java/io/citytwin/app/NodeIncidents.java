package io.citytwin.app;

import io.citytwin.alarm.AlarmService;
import io.citytwin.incident.IncidentService;
import io.citytwin.incident.sqlite.SqliteIncidentStore;
import io.citytwin.open311.http.Open311Api;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incidents feature of a node, wired (docs/incidents.md): the {@link IncidentService} over {@code incidents.db},
 * fed by the alarm service when rules are on, its SLA monitor ticking every {@code incidents.slaTickEvery}. Off when
 * {@code incidents.enabled} is false.
 *
 * <p>Reports are classified by citytwin-triage's Lucene classifier and scored for duplicates by its calibrated
 * model ({@link TriagePorts}), and placed in the twin by {@link TwinIncidentLocator}.
 */
final class NodeIncidents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeIncidents.class);

    private final @Nullable IncidentService service;
    private final @Nullable SqliteIncidentStore store;
    private final @Nullable ScheduledExecutorService ticker;

    private NodeIncidents(
            @Nullable IncidentService service,
            @Nullable SqliteIncidentStore store,
            @Nullable ScheduledExecutorService ticker) {
        this.service = service;
        this.store = store;
        this.ticker = ticker;
    }

    static NodeIncidents start(
            IncidentConfig config, Path dir, InstantSource clock, Twin twin, @Nullable AlarmService alarms) {
        if (!config.enabled()) {
            LOG.info("Incidents off (incidents.enabled: false)");
            return new NodeIncidents(null, null, null);
        }
        SqliteIncidentStore store = SqliteIncidentStore.open(dir, clock);
        TriagePorts triage = new TriagePorts();
        IncidentService.Builder b = IncidentService.builder()
                .store(store)
                .clock(clock)
                .classifier(triage.classifier()) // Lucene, trained on first use (docs/triage.md)
                .duplicates(triage.duplicates()) // calibrated on the simulator's reports
                .alarmTypes(config.alarmTypes())
                .reopenWindow(config.reopenWindow())
                .stillFaultyAfter(config.stillFaultyAfter())
                .autoDispatch(config.autoDispatch(), config.autoDispatchConfidence())
                .zone(ZoneId.of(config.zone()))
                .locator(new TwinIncidentLocator(twin, alarms));
        if (alarms != null) {
            b.alarmLookup((tenant, id) -> {
                try {
                    return alarms.get(tenant, id).state().open();
                } catch (TwinException e) {
                    return false; // unknown alarm: nothing keeps the incident open
                }
            });
        }
        IncidentService service = b.build();
        if (alarms != null) {
            alarms.addListener(service::onAlarm);
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "incident-sla");
            t.setDaemon(true);
            return t;
        });
        long every = config.slaTickEvery().toMillis();
        ticker.scheduleWithFixedDelay(
                () -> {
                    try {
                        int n = service.tick(clock.instant());
                        if (n > 0) {
                            LOG.debug("SLA monitor: {} changes", n);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("Incident SLA monitor failed", e);
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        return new NodeIncidents(service, store, ticker);
    }

    Optional<IncidentService> service() {
        return Optional.ofNullable(service);
    }

    /** The Open311 endpoint and opinion feed over the incidents (docs/open311.md); empty when incidents are off. */
    Optional<Open311Api> open311(IncidentConfig config, InstantSource clock) {
        if (service == null || store == null) {
            return Optional.empty();
        }
        return Optional.of(new Open311Api(
                new IncidentServiceDesk(service, store, clock), config.open311().options(), clock));
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store != null) {
            store.close();
        }
    }
}
