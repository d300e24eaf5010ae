package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Derived KPIs end to end through a real HTTP client against a real node (SQLite, event log, history): districts and
 * sensors created through the NGSI-LD API, readings appended, then the derived attributes appear on the sensors,
 * {@code GET /api/v1/kpis} gives the district numbers and the temporal API has the District KPIs' history.
 */
class KpiIT {
    static final String E = "/ngsi-ld/v1/entities";
    static final String D1 = "urn:ngsi-ld:District:kpi-d1";
    static final String D2 = "urn:ngsi-ld:District:kpi-d2";
    static final String AQ = "urn:ngsi-ld:AirQualityObserved:kpi-a1";
    static final String WQ = "urn:ngsi-ld:WaterQualityObserved:kpi-w1";
    static final String METER = "urn:ngsi-ld:EnergyMeter:kpi-e1";
    static final String CABINET = "urn:ngsi-ld:StreetlightControlCabinet:kpi-c1";

    @TempDir
    static Path dir;

    static Node node;
    static Api api;

    @BeforeAll
    static void start() {
        CityTwinConfig config = CityTwinConfig.defaults()
                .override(0, "127.0.0.1", dir)
                .withMqttPort(0)
                .withKpi(new KpiConfig(true, Duration.ofSeconds(1), "UTC", null, null));
        node = Node.start(config, InstantSource.system(), Map.of());
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "kpi");
        create(D1, "District", Map.of("name", prop("Central")));
        create(D2, "District", Map.of("name", prop("Harbour")));
        create(AQ, "AirQualityObserved", Map.of("refDistrict", rel(D1)));
        create(WQ, "WaterQualityObserved", Map.of("refDistrict", rel(D1)));
        create(METER, "EnergyMeter", Map.of("refDistrict", rel(D1)));
        create(CABINET, "StreetlightControlCabinet", Map.of("refDistrict", rel(D2)));
        for (int i = 1; i <= 3; i++) {
            create(
                    "urn:ngsi-ld:Streetlight:kpi-l" + i,
                    "Streetlight",
                    Map.of("ratedPower", prop(60, null, "WTT"), "refStreetlightControlCabinet", rel(CABINET)));
        }

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // two adjacent clock hours of PM2.5: NowCast (20 + 0.5 * 10) / 1.5 = 16.67 -> AQI 65 Moderate
        append(AQ, Map.of("pm25", prop(10, now.minusSeconds(61 * 60), "GQ")));
        append(AQ, Map.of("pm25", prop(20, now.minusSeconds(60), "GQ"), "no2", prop(20, now.minusSeconds(60), "GQ")));
        for (int i = 0; i < 4; i++) {
            Instant at = now.minusSeconds(1200 - 300L * i);
            append(
                    WQ,
                    Map.of(
                            "turbidity", prop(i == 3 ? 4.0 : 0.15, at, "NTU"),
                            "freeChlorine", prop(0.45, at, "M1"),
                            "pH", prop(7.5, at, null),
                            "eColi", prop(0, at, null)));
        }
        // today's energy, whatever the time of day: 2 -> 4 kW over 15 minutes after midnight = 0.75 kWh
        Instant midnight =
                LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        append(METER, Map.of("activePower", prop(2.0, midnight.plusSeconds(60), "KWT")));
        append(METER, Map.of("activePower", prop(4.0, midnight.plusSeconds(16 * 60), "KWT")));
        append(
                "urn:ngsi-ld:Streetlight:kpi-l1",
                Map.of("powerState", prop("on", now, null), "powerConsumption", prop(59.0, now, "WTT")));
        append(
                "urn:ngsi-ld:Streetlight:kpi-l2",
                Map.of("powerState", prop("on", now, null), "powerConsumption", prop(0.6, now, "WTT")));
        append(
                "urn:ngsi-ld:Streetlight:kpi-l3",
                Map.of("powerState", prop("off", now, null), "powerConsumption", prop(0.5, now, "WTT")));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Map<String, Object> prop(Object value) {
        return Map.of("type", "Property", "value", value);
    }

    static Map<String, Object> prop(Object value, Instant at, String unit) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "Property");
        p.put("value", value);
        if (at != null) {
            p.put("observedAt", at.toString());
        }
        if (unit != null) {
            p.put("unitCode", unit);
        }
        return p;
    }

    static Map<String, Object> rel(String object) {
        return Map.of("type", "Relationship", "object", object);
    }

    static void create(String id, String type, Map<String, Object> attrs) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("type", type);
        e.putAll(attrs);
        Api.Res r = api.post(E, e);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static void append(String id, Map<String, Object> attrs) {
        Api.Res r = api.post(E + "/" + id + "/attrs", attrs);
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    /** Polls {@code path} until {@code done} holds (30 s at most) and returns the last JSON object. */
    static Map<String, Object> await(String path, Predicate<Map<String, Object>> done) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Map<String, Object> last = Map.of();
        while (System.nanoTime() < deadline) {
            Api.Res r = api.get(path);
            if (r.status() == 200) {
                last = r.obj();
                if (done.test(last)) {
                    return last;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting on " + path + ", last: " + last);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void derivedAttributes_appearOnTheSensors() {
        Map<String, Object> aq = await(
                E + "/" + AQ,
                e -> e.containsKey("airQualityIndex")
                        && Integer.valueOf(65)
                                .equals(map(e.get("airQualityIndex")).get("value"))
                        && e.containsKey("europeanAirQualityIndex"));
        Map<String, Object> aqi = map(aq.get("airQualityIndex"));
        assertThat(aqi.get("value")).isEqualTo(65);
        assertThat(map(aqi.get("category")).get("value")).isEqualTo("Moderate");
        assertThat(map(aqi.get("dominantPollutant")).get("value")).isEqualTo("pm25");
        // PM2.5 daily mean 15 and NO2 20 µg/m³ are both Fair (level 2)
        assertThat(map(aq.get("europeanAirQualityIndex")).get("value")).isEqualTo(2);

        Map<String, Object> wq = await(
                E + "/" + WQ,
                e -> e.containsKey("limitExceedances")
                        && !((List<?>) map(e.get("limitExceedances")).get("value")).isEmpty());
        assertThat(map(wq.get("limitExceedances")).get("value")).isEqualTo(List.of("turbidity"));
        assertThat(((Number) map(wq.get("waterQualityIndex")).get("value")).doubleValue())
                .isBetween(0.0, 99.0);

        Map<String, Object> meter = await(
                E + "/" + METER,
                e -> e.containsKey("energyToday")
                        && !Integer.valueOf(0).equals(map(e.get("energyToday")).get("value"))
                        && !Double.valueOf(0).equals(map(e.get("energyToday")).get("value")));
        assertThat(map(meter.get("energyToday")).get("value")).isEqualTo(0.75);
        assertThat(map(meter.get("energyToday")).get("unitCode")).isEqualTo("KWH");
    }

    @Test
    void kpis_givesTheDistrictNumbers_andWritesThemOntoTheDistricts() {
        Map<String, Object> kpis = await("/api/v1/kpis", k -> {
            List<?> ds = (List<?>) k.get("districts");
            return ds != null
                    && ds.size() == 2
                    && Integer.valueOf(65).equals(map(ds.get(0)).get("airQualityIndex"))
                    && Double.valueOf(0.75).equals(map(ds.get(0)).get("energyToday"))
                    && map(ds.get(0)).containsKey("waterQualityIndex")
                    && Integer.valueOf(1).equals(map(ds.get(1)).get("lampsFailed"));
        });
        assertThat((String) kpis.get("at")).isNotBlank();
        Map<String, Object> central = map(((List<?>) kpis.get("districts")).get(0));
        assertThat(central).containsEntry("id", D1).containsEntry("name", "Central");
        assertThat(central).containsEntry("airQualityIndex", 65).containsEntry("airQualityCategory", "Moderate");
        assertThat(central).containsEntry("energyToday", 0.75).doesNotContainKey("lampsOn");
        assertThat(central).containsKey("waterQualityIndex");
        Map<String, Object> harbour = map(((List<?>) kpis.get("districts")).get(1));
        assertThat(harbour).containsEntry("lampsOn", 1).containsEntry("lampsFailed", 1);
        assertThat(harbour).doesNotContainKeys("airQualityIndex", "trafficIndex");
        assertThat(map(kpis.get("city")))
                .containsEntry("airQualityIndex", 65)
                .containsEntry("lampsOn", 1)
                .containsEntry("lampsFailed", 1)
                .containsEntry("energyToday", 0.75);

        Map<String, Object> d1 = await(
                E + "/" + D1,
                e -> e.containsKey("energyToday")
                        && Double.valueOf(0.75).equals(map(e.get("energyToday")).get("value")));
        assertThat(map(d1.get("airQualityIndex")).get("value")).isEqualTo(65);
        assertThat(map(d1.get("energyToday")).get("unitCode")).isEqualTo("KWH");
        Map<String, Object> d2 = await(E + "/" + D2, e -> e.containsKey("lampsFailed"));
        assertThat(map(d2.get("lampsFailed")).get("value")).isEqualTo(1);
        String metrics = api.get("/metrics").body();
        assertThat(metrics).contains("citytwin_kpi_updates_written_total", "citytwin_kpi_compute_seconds_count");
    }

    @Test
    void districtKpis_haveAHistory() {
        await(
                E + "/" + D1,
                e -> e.containsKey("airQualityIndex")
                        && Integer.valueOf(65)
                                .equals(map(e.get("airQualityIndex")).get("value")));
        String path = "/ngsi-ld/v1/temporal/entities/" + D1
                + "?attrs=airQualityIndex&timerel=before&timeAt=2100-01-01T00:00:00Z";
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<?> values = List.of();
        while (System.nanoTime() < deadline) {
            node.flushHistory();
            Api.Res r = api.get(path + "&options=temporalValues");
            if (r.status() == 200 && r.obj().get("airQualityIndex") instanceof Map<?, ?> a) {
                values = (List<?>) a.get("values");
                if (values.size() >= 2) {
                    break;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(values).hasSizeGreaterThanOrEqualTo(2); // one point per roll-up (kpi.interval PT1S here)
        assertThat(((List<?>) values.get(values.size() - 1)).get(0)).isEqualTo(65);
    }

    @Test
    void kpis_ofAnUnknownTenant_is404() {
        Api.Res r = new Api(node.httpPort()).get("/api/v1/kpis", "NGSILD-Tenant", "nobody-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorTitle()).isNotBlank();
    }
}
