package io.citytwin.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.citytwin.kpi.KpiOptions;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The derived KPIs ({@code kpi:} in the configuration file; see docs/kpi.md).
 *
 * @param enabled whether the KPI consumer runs (default true)
 * @param interval how often district KPIs are rolled up and written, at most (default PT1M)
 * @param zone the city's time zone: local midnight of energyToday, the 02:00-04:00 night window (default UTC)
 */
public record KpiConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("interval") Duration interval,
        @JsonProperty("zone") String zone) {
    static final KpiConfig DEFAULTS = new KpiConfig(null, null, null);

    public KpiConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        interval = interval == null ? Duration.ofMinutes(1) : interval;
        zone = zone == null ? "UTC" : zone;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("kpi.interval must be positive, got " + interval);
        }
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("kpi.zone is not a time zone: " + zone);
        }
    }

    /** The KPI options of this configuration. */
    KpiOptions options() {
        return KpiOptions.DEFAULTS.withInterval(interval).withZone(ZoneId.of(zone));
    }
}
