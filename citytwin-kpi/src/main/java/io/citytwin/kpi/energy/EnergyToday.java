package io.citytwin.kpi.energy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

/*
 * ENERGY FROM POWER READINGS (trapezoid rule on observedAt). Between consecutive readings (t0, p0) and (t1, p1) the
 * meter used (p0 + p1) / 2 * (t1 - t0). The day is the local day of the configured zone: an interval that spans
 * midnight is split at midnight with the power interpolated linearly there, the part before it belongs to the old
 * day and the part after it starts the new one. An interval longer than maxGap (a silent meter) is not integrated:
 * its energy is unknown, and guessing would hide the gap. Readings older than the last one (late data) are ignored.
 */
/** The energy (kWh) a meter used since local midnight, from its power readings (kW). Not thread-safe. */
public final class EnergyToday {
    private final ZoneId zone;
    private final Duration maxGap;
    private LocalDate day;
    private double kwh;
    private Instant lastAt;
    private double lastKw;

    /**
     * @param zone the city's time zone (the day boundary)
     * @param maxGap the longest interval between readings that is integrated
     */
    public EnergyToday(ZoneId zone, Duration maxGap) {
        this.zone = zone;
        this.maxGap = maxGap;
    }

    /**
     * Restores state after a restart: {@code kwh} used on {@code day} up to the last reading {@code (at, kw)}.
     */
    public void restore(LocalDate day, double kwh, Instant at, double kw) {
        this.day = day;
        this.kwh = kwh;
        this.lastAt = at;
        this.lastKw = kw;
    }

    /**
     * Adds a power reading.
     *
     * @return whether it was used (false for a reading not after the last one)
     */
    public boolean add(Instant at, double kw) {
        if (lastAt != null && !at.isAfter(lastAt)) {
            return false;
        }
        LocalDate today = at.atZone(zone).toLocalDate();
        if (lastAt == null) {
            day = today;
            kwh = 0;
        } else {
            boolean integrate = Duration.between(lastAt, at).compareTo(maxGap) <= 0;
            LocalDate lastDay = lastAt.atZone(zone).toLocalDate();
            if (today.equals(lastDay)) {
                if (!today.equals(day)) {
                    day = today;
                    kwh = 0;
                }
                if (integrate) {
                    kwh += trapezoid(lastAt, lastKw, at, kw);
                }
            } else {
                day = today;
                kwh = 0;
                if (integrate) {
                    Instant midnight = today.atStartOfDay(zone).toInstant();
                    double f = (double) Duration.between(lastAt, midnight).toMillis()
                            / Duration.between(lastAt, at).toMillis();
                    double pMid = lastKw + (kw - lastKw) * f;
                    kwh += trapezoid(midnight, pMid, at, kw);
                }
            }
        }
        lastAt = at;
        lastKw = kw;
        return true;
    }

    private static double trapezoid(Instant t0, double p0, Instant t1, double p1) {
        double hours = Duration.between(t0, t1).toMillis() / 3_600_000.0;
        return (p0 + p1) / 2 * hours;
    }

    /** The energy of {@code today} (local date): kWh, or 0 when the last reading is of an earlier day. */
    public double kwhOn(LocalDate today) {
        return today.equals(day) ? kwh : 0;
    }

    /** The day of the last reading. */
    public Optional<LocalDate> day() {
        return Optional.ofNullable(day);
    }

    /** The kWh of the day of the last reading. */
    public double kwh() {
        return kwh;
    }

    /** When the last reading was observed. */
    public Optional<Instant> lastAt() {
        return Optional.ofNullable(lastAt);
    }
}
