package io.citytwin.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.citytwin.kpi.KpiOptions;
import io.citytwin.kpi.air.UsAqi;
import io.citytwin.kpi.water.DrinkingWaterLimits;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The derived KPIs ({@code kpi:} in the configuration file; see docs/kpi.md).
 *
 * @param enabled whether the KPI consumer runs (default true)
 * @param interval how often district KPIs are rolled up and written, at most (default PT1M)
 * @param zone the city's time zone: local midnight of energyToday, the 02:00-04:00 night window (default UTC)
 * @param aqiHazardous the US AQI above 300: TAD_2024 (one row 301-500, default) or SPLIT (301-400 / 401-500)
 * @param waterLimits the drinking-water limits: GB_5749_2022 (default) or WHO_GDWQ
 */
public record KpiConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("interval") Duration interval,
        @JsonProperty("zone") String zone,
        @JsonProperty("aqiHazardous") String aqiHazardous,
        @JsonProperty("waterLimits") String waterLimits) {
    static final KpiConfig DEFAULTS = new KpiConfig(null, null, null, null, null);

    public KpiConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        interval = interval == null ? Duration.ofMinutes(1) : interval;
        zone = zone == null ? "UTC" : zone;
        aqiHazardous = aqiHazardous == null ? "TAD_2024" : aqiHazardous;
        waterLimits = waterLimits == null ? "GB_5749_2022" : waterLimits;
        if (!aqiHazardous.equals("TAD_2024") && !aqiHazardous.equals("SPLIT")) {
            throw new IllegalArgumentException("kpi.aqiHazardous must be TAD_2024 or SPLIT, got " + aqiHazardous);
        }
        if (!waterLimits.equals("GB_5749_2022") && !waterLimits.equals("WHO_GDWQ")) {
            throw new IllegalArgumentException("kpi.waterLimits must be GB_5749_2022 or WHO_GDWQ, got " + waterLimits);
        }
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
        return KpiOptions.DEFAULTS
                .withInterval(interval)
                .withZone(ZoneId.of(zone))
                .withHazardous(UsAqi.HazardousScale.valueOf(aqiHazardous))
                .withLimits(
                        waterLimits.equals("WHO_GDWQ")
                                ? DrinkingWaterLimits.WHO_GDWQ
                                : DrinkingWaterLimits.GB_5749_2022);
    }
}
