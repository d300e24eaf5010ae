package io.citytwin.dashboard;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.GeoValue;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;

/**
 * The state the map shows for an entity, from the derived attributes of the KPI module (contract E: {@code
 * levelOfService}, {@code incidentDetected}, {@code airQualityIndex}, {@code nightFlowRatio}, {@code
 * limitExceedances}, {@code waterQualityIndex}) when present, and from the raw readings otherwise.
 *
 * <p>Names are matched by their local part (after the last {@code /} or {@code #}), so the same rules apply whether
 * the entity was written with the default @context or with a Smart Data Models context.
 *
 * <p>Rules from raw readings (documented in docs/dashboard.md):
 *
 * <ul>
 *   <li>Streetlight: {@code failed} when it is switched on (illuminanceLevel > 0 or powerState on) but draws less
 *       than 10 % of its {@code ratedPower}, or when its {@code status} says so; {@code on} / {@code off} otherwise.
 *   <li>TrafficFlowObserved: HCM level of service from detector occupancy. Density {@code k = occ / g} with an
 *       effective vehicle length g of 6.5 m (REFERENCE.md section 3, "From loop detectors"), converted to pc/mi/ln
 *       and banded with the HCM basic freeway thresholds A <= 11, B <= 18, C <= 26, D <= 35, E <= 45, F above. This
 *       is a screen hint only; the KPI module's {@code levelOfService} wins when present.
 *   <li>AirQualityObserved: US EPA AQI categories (40 CFR 58 App. G; REFERENCE.md section 1) of {@code
 *       airQualityIndex}, else of the PM2.5 concentration (2024 breakpoints 9.0 / 35.4 / 55.4 / 125.4 / 225.4).
 *   <li>DistrictMeteredArea: {@code leak} when {@code nightFlowRatio} > 1.5, {@code suspect} above 1.2.
 *   <li>WaterQualityObserved: {@code limit} when {@code limitExceedances} is not empty or E. coli was found, {@code
 *       poor} when the WQI is below 65 (CCME "fair" and worse).
 * </ul>
 */
final class EntityStates {
    private EntityStates() {}

    /** The state and severity (0 unknown, 1 normal, 2 degraded, 3 bad). */
    record State(String state, int severity) {}

    static final State UNKNOWN = new State("unknown", 0);

    /** The local name of an expanded IRI: what follows the last {@code /} or {@code #}. */
    static String local(String iri) {
        int i = Math.max(iri.lastIndexOf('/'), iri.lastIndexOf('#'));
        return i < 0 ? iri : iri.substring(i + 1);
    }

    /** The entity's attributes (default instances) by local name. */
    static Map<String, Attribute> byLocalName(Entity e) {
        Map<String, Attribute> m = HashMap.newHashMap(e.attributes().size());
        for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
            m.putIfAbsent(local(a.getKey()), a.getValue().get(0));
        }
        return m;
    }

    /** Where the entity is: the centroid of its {@code location}, else {@code longitude}/{@code latitude}. */
    static Optional<double[]> position(Map<String, Attribute> attrs) {
        Attribute loc = attrs.get("location");
        if (loc != null && loc.kind() == AttributeKind.GEO_PROPERTY && loc.value() instanceof GeoValue g) {
            Geometry geom = g.geometry();
            Point c = geom instanceof Point p ? p : geom.getCentroid();
            if (!c.isEmpty()) {
                return Optional.of(new double[] {c.getX(), c.getY()});
            }
        }
        Double lon = number(attrs, "longitude");
        Double lat = number(attrs, "latitude");
        if (lon != null && lat != null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
            return Optional.of(new double[] {lon, lat});
        }
        return Optional.empty();
    }

    static State of(String type, Map<String, Attribute> a) {
        return switch (type) {
            case "Streetlight" -> lamp(a);
            case "StreetlightControlCabinet" -> {
                Double p = number(a, "activePower");
                yield p == null ? UNKNOWN : new State(p > 0 ? "on" : "off", 1);
            }
            case "TrafficFlowObserved" -> traffic(a);
            case "AirQualityObserved" -> air(a);
            case "DistrictMeteredArea" -> dma(a);
            case "WaterQualityObserved" -> waterQuality(a);
            case "ParkingSpot", "EVChargingStation" -> {
                String s = string(a, "status");
                yield s == null ? UNKNOWN : new State(s, "full".equals(s) ? 2 : 1);
            }
            case "Vehicle" -> {
                Double v = number(a, "speed");
                yield v == null ? UNKNOWN : new State(v > 1 ? "moving" : "stopped", 1);
            }
            case "WaterMeter" ->
                number(a, "flow") != null || number(a, "pressure") != null ? new State("reporting", 1) : UNKNOWN;
            case "EnergyMeter" -> number(a, "activePower") != null ? new State("reporting", 1) : UNKNOWN;
            default -> UNKNOWN;
        };
    }

    private static State lamp(Map<String, Attribute> a) {
        String status = string(a, "status");
        if (status != null && (status.equals("failed") || status.equals("defective") || status.equals("broken"))) {
            return new State("failed", 3);
        }
        String power = string(a, "powerState");
        Double dim = number(a, "illuminanceLevel");
        if (power == null && dim == null) {
            return UNKNOWN;
        }
        boolean on = "on".equals(power) || (power == null && dim != null && dim > 0);
        if (!on) {
            return new State("off", 1);
        }
        Double watts = number(a, "powerConsumption");
        Double rated = number(a, "ratedPower");
        if (watts != null && rated != null && rated > 0 && watts < 0.1 * rated) {
            return new State("failed", 3);
        }
        return new State("on", 1);
    }

    private static State traffic(Map<String, Attribute> a) {
        Boolean incident = bool(a, "incidentDetected");
        if (Boolean.TRUE.equals(incident)) {
            return new State("incident", 3);
        }
        String los = string(a, "levelOfService");
        if (los == null) {
            Double occ = number(a, "occupancy");
            if (occ == null) {
                return UNKNOWN;
            }
            double vehPerKmLane = occ * 1000 / 6.5;
            double pcPerMiLane = vehPerKmLane * 1.609344;
            los = pcPerMiLane <= 11
                    ? "A"
                    : pcPerMiLane <= 18
                            ? "B"
                            : pcPerMiLane <= 26 ? "C" : pcPerMiLane <= 35 ? "D" : pcPerMiLane <= 45 ? "E" : "F";
        }
        int sev =
                switch (los) {
                    case "A", "B", "C" -> 1;
                    case "D", "E" -> 2;
                    case "F" -> 3;
                    default -> 0;
                };
        return new State(los, sev);
    }

    private static State air(Map<String, Attribute> a) {
        Double aqi = number(a, "airQualityIndex");
        if (aqi == null) {
            Double pm25 = number(a, "pm25");
            if (pm25 == null) {
                return UNKNOWN;
            }
            double c = Math.floor(pm25 * 10) / 10; // truncated to 0.1 as the AQI prescribes
            aqi = c <= 9.0 ? 50 : c <= 35.4 ? 100 : c <= 55.4 ? 150 : c <= 125.4 ? 200 : c <= 225.4 ? 300.0 : 301.0;
        }
        if (aqi <= 50) {
            return new State("Good", 1);
        } else if (aqi <= 100) {
            return new State("Moderate", 1);
        } else if (aqi <= 150) {
            return new State("Unhealthy for Sensitive Groups", 2);
        } else if (aqi <= 200) {
            return new State("Unhealthy", 3);
        } else if (aqi <= 300) {
            return new State("Very Unhealthy", 3);
        }
        return new State("Hazardous", 3);
    }

    private static State dma(Map<String, Attribute> a) {
        Double ratio = number(a, "nightFlowRatio");
        if (ratio == null) {
            return UNKNOWN;
        }
        return ratio > 1.5 ? new State("leak", 3) : ratio > 1.2 ? new State("suspect", 2) : new State("ok", 1);
    }

    private static State waterQuality(Map<String, Attribute> a) {
        Attribute ex = a.get("limitExceedances");
        if (ex != null && ex.value() instanceof List<?> l && !l.isEmpty()) {
            return new State("limit", 3);
        }
        Double ecoli = number(a, "eColi");
        if (ecoli != null && ecoli > 0) {
            return new State("limit", 3);
        }
        Double wqi = number(a, "waterQualityIndex");
        if (wqi != null) {
            return wqi < 65 ? new State("poor", 2) : new State("ok", 1);
        }
        return ecoli != null || number(a, "turbidity") != null ? new State("ok", 1) : UNKNOWN;
    }

    static @Nullable Double number(Map<String, Attribute> a, String name) {
        Attribute at = a.get(name);
        if (at == null) {
            return null;
        }
        return at.value() instanceof Number n ? n.doubleValue() : null;
    }

    static @Nullable String string(Map<String, Attribute> a, String name) {
        Attribute at = a.get(name);
        if (at == null) {
            return null;
        }
        return at.value() instanceof String s ? local(s) : null;
    }

    static @Nullable Boolean bool(Map<String, Attribute> a, String name) {
        Attribute at = a.get(name);
        return at != null && at.value() instanceof Boolean b ? b : null;
    }
}
