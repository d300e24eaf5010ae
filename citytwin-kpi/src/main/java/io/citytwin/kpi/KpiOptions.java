package io.citytwin.kpi;

import io.citytwin.kpi.air.UsAqi;
import io.citytwin.kpi.traffic.IncidentDetector;
import io.citytwin.kpi.traffic.LevelOfService;
import io.citytwin.kpi.water.DrinkingWaterLimits;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The settings of the KPI computations.
 *
 * @param interval how often district KPIs are computed and written (at most), {@code kpi.interval}
 * @param zone the city's time zone: local midnight of {@code energyToday}, the night window of the minimum night
 *     flow, {@code kpi.zone}
 * @param hazardous how the US AQI maps concentrations above AQI 300
 * @param limits the drinking-water limits (limit exceedances and the CCME WQI objectives)
 * @param incidents the California #8 thresholds
 * @param vehicleLengthM effective vehicle length for density from occupancy
 * @param waterWindow the tests of a water-quality station that its CCME WQI covers (newest reading minus this)
 * @param staleAfter readings of air, water and traffic stations older than this are left out of district KPIs
 * @param maxEnergyGap the longest interval between power readings that is integrated
 */
public record KpiOptions(
        Duration interval,
        ZoneId zone,
        UsAqi.HazardousScale hazardous,
        DrinkingWaterLimits limits,
        IncidentDetector.Thresholds incidents,
        double vehicleLengthM,
        Duration waterWindow,
        Duration staleAfter,
        Duration maxEnergyGap) {
    public KpiOptions {
        Objects.requireNonNull(zone);
        Objects.requireNonNull(hazardous);
        Objects.requireNonNull(limits);
        Objects.requireNonNull(incidents);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("kpi.interval must be positive, not " + interval);
        }
        if (!(vehicleLengthM > 0)) {
            throw new IllegalArgumentException("vehicle length must be positive");
        }
    }

    /** PT1M, UTC, the 2024 TAD Hazardous row, GB 5749-2022, the reference thresholds, 6.5 m, 24 h, 2 h, 1 h. */
    public static final KpiOptions DEFAULTS = new KpiOptions(
            Duration.ofMinutes(1),
            ZoneId.of("UTC"),
            UsAqi.HazardousScale.TAD_2024,
            DrinkingWaterLimits.GB_5749_2022,
            IncidentDetector.Thresholds.DEFAULTS,
            LevelOfService.DEFAULT_VEHICLE_LENGTH_M,
            Duration.ofHours(24),
            Duration.ofHours(2),
            Duration.ofHours(1));

    public KpiOptions withInterval(Duration d) {
        return new KpiOptions(
                d, zone, hazardous, limits, incidents, vehicleLengthM, waterWindow, staleAfter, maxEnergyGap);
    }

    public KpiOptions withZone(ZoneId z) {
        return new KpiOptions(
                interval, z, hazardous, limits, incidents, vehicleLengthM, waterWindow, staleAfter, maxEnergyGap);
    }

    public KpiOptions withHazardous(UsAqi.HazardousScale h) {
        return new KpiOptions(
                interval, zone, h, limits, incidents, vehicleLengthM, waterWindow, staleAfter, maxEnergyGap);
    }

    public KpiOptions withLimits(DrinkingWaterLimits l) {
        return new KpiOptions(
                interval, zone, hazardous, l, incidents, vehicleLengthM, waterWindow, staleAfter, maxEnergyGap);
    }

    public KpiOptions withStaleAfter(Duration d) {
        return new KpiOptions(
                interval, zone, hazardous, limits, incidents, vehicleLengthM, waterWindow, d, maxEnergyGap);
    }
}
