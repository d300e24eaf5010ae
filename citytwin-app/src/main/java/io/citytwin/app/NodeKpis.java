package io.citytwin.app;

import io.citytwin.history.store.HistoryStore;
import io.citytwin.kpi.KpiService;
import io.citytwin.store.sqlite.SqliteTwinRepository;
import io.citytwin.twin.Twin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KPI feature of a node, wired (docs/kpi.md): the {@link KpiService} consuming the event log and writing through
 * the twin, rebuilt from the history store when there is one, and its metrics ({@code citytwin.kpi.*}). Off when
 * {@code kpi.enabled} is false, in which case the journal stops keeping changes for it.
 */
final class NodeKpis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeKpis.class);

    private final @Nullable KpiService service;

    private NodeKpis(@Nullable KpiService service) {
        this.service = service;
    }

    static NodeKpis start(
            KpiConfig config,
            Twin twin,
            SqliteTwinRepository repository,
            @Nullable HistoryStore history,
            InstantSource clock,
            MeterRegistry metrics) {
        if (!config.enabled()) {
            repository.forgetConsumer(KpiService.CONSUMER);
            return new NodeKpis(null);
        }
        KpiService service = KpiService.builder()
                .twin(twin)
                .clock(clock)
                .options(config.options())
                .history(history)
                .problems((problem, cause) -> LOG.warn("KPIs: {}", problem, cause))
                .build()
                .start();
        FunctionCounter.builder("citytwin.kpi.updates.written", service, KpiService::updatesWritten)
                .description("Entity updates of derived KPI attributes written to the twin")
                .register(metrics);
        FunctionCounter.builder("citytwin.kpi.events", service, KpiService::eventsProcessed)
                .description("Change events seen by the KPI consumer")
                .register(metrics);
        FunctionTimer.builder(
                        "citytwin.kpi.compute",
                        service,
                        KpiService::computations,
                        s -> s.computeNanos(),
                        TimeUnit.NANOSECONDS)
                .description("KPI computation (event batches and district roll-ups), without the twin writes")
                .register(metrics);
        return new NodeKpis(service);
    }

    Optional<KpiService> service() {
        return Optional.ofNullable(service);
    }

    @Override
    public void close() {
        if (service != null) {
            service.close();
        }
    }
}
