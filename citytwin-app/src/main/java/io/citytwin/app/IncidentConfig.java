package io.citytwin.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.citytwin.incident.IncidentService;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * Incidents, the collaborative command ({@code incidents:} in the configuration file; see docs/incidents.md).
 *
 * @param enabled whether incidents are kept and the incidents API is served (default true)
 * @param slaTickEvery how often the SLA monitor runs: warnings, breaches, escalation, reopening (default PT30S)
 * @param alarmTypes the alarm types that open incidents, exact or {@code domain.*} (default: lighting.cabinet-outage,
 *     water.leak, water.contamination, traffic.incident, environment.*); needs rules on
 * @param reopenWindow how long after "resolved" the twin may reopen an incident (default P3D)
 * @param stillFaultyAfter how long a linked alarm may stay open after "resolved" before the incident is reopened
 *     (default PT15M)
 * @param autoDispatch whether confident classifications and alarms are triaged and dispatched automatically by the
 *     catalogue (default true)
 * @param autoDispatchConfidence the least classifier confidence for automatic routing (default 0.6)
 * @param zone the time zone working days are counted in by the default catalogue (default UTC)
 * @param open311 the Open311 GeoReport v2 endpoint of citizen reports ({@code /open311/v2}, docs/open311.md)
 */
public record IncidentConfig(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("slaTickEvery") Duration slaTickEvery,
        @JsonProperty("alarmTypes") List<String> alarmTypes,
        @JsonProperty("reopenWindow") Duration reopenWindow,
        @JsonProperty("stillFaultyAfter") Duration stillFaultyAfter,
        @JsonProperty("autoDispatch") Boolean autoDispatch,
        @JsonProperty("autoDispatchConfidence") Double autoDispatchConfidence,
        @JsonProperty("zone") String zone,
        @JsonProperty("open311") Open311 open311) {
    static final IncidentConfig DEFAULTS = new IncidentConfig(null, null, null, null, null, null, null, null, null);

    /**
     * The Open311 endpoint's settings ({@code incidents.open311:}).
     *
     * @param apiKeys the keys that may POST service requests; empty (default): POST needs no key, as on a
     *     development node or the demo, whose simulated citizens post without one
     * @param jurisdictionId the endpoint's {@code jurisdiction_id}; empty (default): any or none
     * @param contact the discovery document's contact line
     */
    public record Open311(
            @JsonProperty("apiKeys") List<String> apiKeys,
            @JsonProperty("jurisdictionId") String jurisdictionId,
            @JsonProperty("contact") String contact) {
        public Open311 {
            apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
            jurisdictionId = jurisdictionId == null ? "" : jurisdictionId;
            contact = contact == null ? "" : contact;
            if (apiKeys.stream().anyMatch(k -> k == null || k.isBlank())) {
                throw new IllegalArgumentException("incidents.open311.apiKeys: a key must not be blank");
            }
        }

        /** The endpoint's options. */
        io.citytwin.open311.http.Open311Options options() {
            io.citytwin.open311.http.Open311Options d = io.citytwin.open311.http.Open311Options.DEFAULTS;
            return new io.citytwin.open311.http.Open311Options(
                    java.util.Set.copyOf(apiKeys),
                    jurisdictionId,
                    contact,
                    d.keyService(),
                    d.changeset(),
                    d.maxBodyBytes());
        }
    }

    public IncidentConfig {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        slaTickEvery = slaTickEvery == null ? Duration.ofSeconds(30) : slaTickEvery;
        alarmTypes = alarmTypes == null ? IncidentService.DEFAULT_ALARM_TYPES : List.copyOf(alarmTypes);
        reopenWindow = reopenWindow == null ? Duration.ofDays(3) : reopenWindow;
        stillFaultyAfter = stillFaultyAfter == null ? Duration.ofMinutes(15) : stillFaultyAfter;
        autoDispatch = autoDispatch == null ? Boolean.TRUE : autoDispatch;
        autoDispatchConfidence = autoDispatchConfidence == null ? 0.6 : autoDispatchConfidence;
        zone = zone == null ? "UTC" : zone;
        open311 = open311 == null ? new Open311(null, null, null) : open311;
        for (Duration d : List.of(slaTickEvery, reopenWindow, stillFaultyAfter)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(
                        "incidents.slaTickEvery, reopenWindow and stillFaultyAfter must be positive");
            }
        }
        if (!(autoDispatchConfidence >= 0 && autoDispatchConfidence <= 1)) {
            throw new IllegalArgumentException("incidents.autoDispatchConfidence must be between 0 and 1");
        }
        for (String t : alarmTypes) {
            if (t.isBlank() || t.equals("*")) {
                throw new IllegalArgumentException(
                        "incidents.alarmTypes: '" + t + "' is not an alarm type or domain.*");
            }
        }
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("incidents.zone is not a time zone: " + zone);
        }
    }

    /** This configuration with another SLA tick interval (tests). */
    IncidentConfig withSlaTickEvery(Duration d) {
        return new IncidentConfig(
                enabled,
                d,
                alarmTypes,
                reopenWindow,
                stillFaultyAfter,
                autoDispatch,
                autoDispatchConfidence,
                zone,
                open311);
    }
}
