package io.citytwin.app;

import io.citytwin.history.Downsampling;
import io.citytwin.history.HistoryMaintenance;
import io.citytwin.history.store.HistoryStore;
import io.citytwin.history.store.RetentionPolicy;
import io.citytwin.ngsild.LdContext;
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the history's retention and downsampling from the configuration and schedules them. */
final class HistoryRules {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryRules.class);

    private HistoryRules() {}

    /** The retention policy of {@code h}; types are expanded with {@code core} (full IRIs stay as they are). */
    static RetentionPolicy retention(CityTwinConfig.History h, LdContext core) {
        List<RetentionPolicy.Rule> rules = new ArrayList<>();
        for (CityTwinConfig.Retention r : h.retention()) {
            rules.add(new RetentionPolicy.Rule(TenantId.of(r.tenant()), type(r.type(), core), r.keep()));
        }
        return new RetentionPolicy(rules);
    }

    static Downsampling downsampling(CityTwinConfig.History h, LdContext core) {
        List<Downsampling.Rule> rules = new ArrayList<>();
        for (CityTwinConfig.Downsample d : h.downsampling()) {
            rules.add(new Downsampling.Rule(TenantId.of(d.tenant()), type(d.type(), core), d.olderThan(), d.period()));
        }
        return new Downsampling(rules);
    }

    /**
     * The maintenance of {@code store} per {@code h}, started (polled every minute, or every {@code
     * maintenanceEvery} when shorter) when there is any rule; null when there is none.
     */
    static @Nullable HistoryMaintenance start(
            CityTwinConfig.History h, HistoryStore store, LdContext core, InstantSource clock) {
        HistoryMaintenance m = new HistoryMaintenance(
                store,
                retention(h, core),
                downsampling(h, core),
                clock,
                h.maintenanceEvery(),
                (problem, cause) -> LOG.error("History: {}", problem, cause));
        if (!m.hasWork()) {
            return null;
        }
        Duration poll = h.maintenanceEvery().compareTo(Duration.ofMinutes(1)) < 0
                ? h.maintenanceEvery()
                : Duration.ofMinutes(1);
        return m.start(poll);
    }

    private static @Nullable String type(@Nullable String type, LdContext core) {
        return type == null ? null : core.expandTerm(type);
    }
}
