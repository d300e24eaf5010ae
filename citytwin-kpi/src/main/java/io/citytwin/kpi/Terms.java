package io.citytwin.kpi;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Ngsi;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Names and small value helpers. Inputs are matched by the local name of their IRI (after the last {@code /}, {@code
 * #} or {@code :}), so entities sent with the default context and with the Smart Data Models contexts both work;
 * outputs are written under the default context ({@link Ngsi#DEFAULT_VOCAB}), as contract D/E require.
 */
final class Terms {
    private Terms() {}

    static final String AIR_QUALITY_INDEX = out("airQualityIndex");
    static final String EUROPEAN_AQI = out("europeanAirQualityIndex");
    static final String WATER_QUALITY_INDEX = out("waterQualityIndex");
    static final String LIMIT_EXCEEDANCES = out("limitExceedances");
    static final String SPEED_RATIO = out("speedRatio");
    static final String LEVEL_OF_SERVICE = out("levelOfService");
    static final String INCIDENT_DETECTED = out("incidentDetected");
    static final String MINIMUM_NIGHT_FLOW = out("minimumNightFlow");
    static final String NIGHT_FLOW_RATIO = out("nightFlowRatio");
    static final String ENERGY_TODAY = out("energyToday");
    static final String TRAFFIC_INDEX = out("trafficIndex");
    static final String LAMPS_FAILED = out("lampsFailed");
    static final String LAMPS_ON = out("lampsOn");
    static final String CATEGORY = out("category");
    static final String DOMINANT_POLLUTANT = out("dominantPollutant");
    static final String PROVISIONAL = out("provisional");
    static final String BASELINE_NIGHTS = out("baselineNights");
    static final String TESTS = out("tests");

    /** Every attribute this service writes: events that change only these are its own and are ignored. */
    static final Set<String> DERIVED = Set.of(
            AIR_QUALITY_INDEX,
            EUROPEAN_AQI,
            WATER_QUALITY_INDEX,
            LIMIT_EXCEEDANCES,
            SPEED_RATIO,
            LEVEL_OF_SERVICE,
            INCIDENT_DETECTED,
            MINIMUM_NIGHT_FLOW,
            NIGHT_FLOW_RATIO,
            ENERGY_TODAY,
            TRAFFIC_INDEX,
            LAMPS_FAILED,
            LAMPS_ON);

    static String out(String term) {
        return Ngsi.DEFAULT_VOCAB + term;
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, String> LOCAL =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The local name of an IRI (cached: the hot path sees the same few dozen names over and over). */
    static String local(String iri) {
        String cached = LOCAL.get(iri);
        if (cached != null) {
            return cached;
        }
        int i = Math.max(iri.lastIndexOf('/'), Math.max(iri.lastIndexOf('#'), iri.lastIndexOf(':')));
        String local = i < 0 ? iri : iri.substring(i + 1);
        if (LOCAL.size() < 10_000) { // names are client-chosen: bound the cache
            LOCAL.put(iri, local);
        }
        return local;
    }

    /** The number a Property holds, NaN otherwise. */
    static double number(Attribute a) {
        return a.value() instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The target of a Relationship, null otherwise. */
    static @Nullable String object(Attribute a) {
        if (a.kind() == AttributeKind.RELATIONSHIP && a.value() instanceof String s) {
            return s;
        }
        return null;
    }

    /** When a value was observed: observedAt, else modifiedAt, else {@code fallback}. */
    static Instant observed(Attribute a, Instant fallback) {
        if (a.observedAt() != null) {
            return a.observedAt();
        }
        return a.modifiedAt() != null ? a.modifiedAt() : fallback;
    }

    static String unit(Attribute a) {
        return a.unitCode() == null ? "" : a.unitCode();
    }

    /** A Property with a value, observedAt, an optional unit and sub-Properties (term to value). */
    static Attribute property(Object value, Instant observedAt, @Nullable String unitCode, Map<String, Object> subs) {
        Map<String, Attribute> s = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : subs.entrySet()) {
            s.put(e.getKey(), Attribute.property(e.getValue()));
        }
        return new Attribute(
                AttributeKind.PROPERTY, io.citytwin.twin.Json.freeze(value), null, observedAt, unitCode, s, null, null);
    }

    /** Whether {@code current} already says {@code next} (value, unit and sub-Property values; times ignored). */
    static boolean same(@Nullable Attribute current, Attribute next) {
        if (current == null
                || !current.value().equals(next.value())
                || !java.util.Objects.equals(current.unitCode(), next.unitCode())
                || current.subAttributes().size() != next.subAttributes().size()) {
            return false;
        }
        for (Map.Entry<String, Attribute> e : next.subAttributes().entrySet()) {
            Attribute c = current.subAttributes().get(e.getKey());
            if (c == null || !c.value().equals(e.getValue().value())) {
                return false;
            }
        }
        return true;
    }

    static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }
}
