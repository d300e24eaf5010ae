package io.citytwin.kpi;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The district KPIs of one tenant at one time (contract D): city-wide values and one entry per {@code District}.
 * Values are keyed by their attribute term ({@code airQualityIndex}, {@code airQualityCategory}, {@code
 * waterQualityIndex}, {@code trafficIndex}, {@code lampsFailed}, {@code lampsOn}, {@code energyToday}); a KPI without
 * inputs is absent, never zero. Numbers are {@code Long} or {@code Double}.
 *
 * @param at when the values were computed (the service's clock)
 * @param city the city-wide values
 * @param districts per district, in id order
 */
public record KpiSnapshot(Instant at, Map<String, Object> city, List<District> districts) {
    public KpiSnapshot {
        Objects.requireNonNull(at);
        city = Collections.unmodifiableMap(new LinkedHashMap<>(city));
        districts = List.copyOf(districts);
    }

    /**
     * One district's values.
     *
     * @param id the District entity id
     * @param name its {@code name}, or its id when it has none
     * @param values as {@link KpiSnapshot#city()}
     */
    public record District(String id, String name, Map<String, Object> values) {
        public District {
            Objects.requireNonNull(id);
            Objects.requireNonNull(name);
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }
}
