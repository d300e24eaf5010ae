package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.alarm.AlarmService;
import io.citytwin.alarm.Severity;
import io.citytwin.incident.Incident;
import io.citytwin.testkit.open311.Open311Conformance;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.geo.GeoJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Open311 conformance suite (JSON and XML, every error) against a whole node, whose service desk is the incident
 * service: requests are citizen reports of incidents, closed when their incident is resolved.
 */
class Open311NodeIT extends Open311Conformance {
    static final String KEY = "node-key";
    static final String JURISDICTION = "city.example";
    static Path dir;
    static Node node;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("citytwin-open311-node");
        node = Node.start(
                CityTwinConfig.defaults()
                        .override(0, "127.0.0.1", dir)
                        .withMqttPort(0)
                        .withIncidents(new IncidentConfig(
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                new IncidentConfig.Open311(List.of(KEY), JURISDICTION, "ops@city.example"))),
                InstantSource.system(),
                Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Override
    protected URI baseUri() {
        return URI.create("http://127.0.0.1:" + node.httpPort());
    }

    @Override
    protected String apiKey() {
        return KEY;
    }

    @Override
    protected String jurisdictionId() {
        return JURISDICTION;
    }

    /** An operator resolves the request's incident through the incidents API with {@code notes}. */
    @Override
    protected boolean closeRequest(String id, String notes) {
        String incident = node.incidents()
                .orElseThrow()
                .byReport(io.citytwin.twin.TenantId.DEFAULT, id)
                .id();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(baseUri() + "/api/v1/incidents/" + incident + "/status"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"resolved\",\"actor\":\"ops\","
                                    + "\"note\":\"" + notes.replace("\"", "\\\"") + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return true;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReport_opensAnIncident_dispatchedToItsDepartment() {
        Map<String, List<String>> form = plainForm("Street light out on Elm Street, all dark");
        form.put("service_code", new java.util.ArrayList<>(List.of("streetlight")));
        form.put("lat", new java.util.ArrayList<>(List.of("47.0"))); // away from the suite's reports (duplicates)
        form.put("long", new java.util.ArrayList<>(List.of("10.0")));
        String id = submit(form, false);
        Incident incident = node.incidents().orElseThrow().byReport(TenantId.DEFAULT, id);
        assertThat(incident.reportCount()).isEqualTo(1);
        assertThat(incident.source().label()).isEqualTo("open311");
        assertThat(incident.department()).isEqualTo("lighting");
        assertThat(incident.status().label()).isEqualTo("dispatched");
    }

    /** Public posts in three languages are classified by the Lucene classifier and routed by the catalogue. */
    @Test
    void opinions_inThreeLanguages_areClassifiedAndRouted() {
        String[][] posts = {
            {"The bin on Park Road has been overflowing for days, rubbish everywhere", "en", "waste", "9.0"},
            {"Riesiges Schlagloch in der Hauptstraße, mein Reifen ist kaputt", "de", "road", "9.1"},
            {"小区门口的路灯坏了好几天了，晚上一片漆黑", "zh", "streetlight", "9.2"}
        };
        for (String[] p : posts) {
            Res r = postJson(
                    "/api/v1/opinions",
                    "{\"text\":\"" + p[0] + "\",\"location\":{\"type\":\"Point\",\"coordinates\":[" + p[3]
                            + ",46.0]}}");
            assertThat(r.status())
                    .as(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(202);
            String id = r.json().get("id").asText();
            Incident incident = node.incidents().orElseThrow().byReport(TenantId.DEFAULT, id);
            assertThat(incident.category().label()).as(p[0]).isEqualTo(p[2]);
            assertThat(incident.language()).isEqualTo(p[1]);
            assertThat(incident.type().label()).isEqualTo("public-opinion");
        }
    }

    /**
     * "Lamp out near the school": the report is placed in its district (the polygon that contains it) and linked to
     * the lamp nearby that the twin knows is failed (an open lighting alarm), not to the nearer healthy one.
     */
    @Test
    void aLampReport_linksTheFailedLampNearby_andItsDistrict() throws Exception {
        TenantId t = TenantId.DEFAULT;
        Twin twin = node.twin();
        twin.create(
                t,
                entity(
                        "urn:ngsi-ld:District:d-test",
                        "District",
                        GeoJson.parse(Map.of(
                                "type",
                                "Polygon",
                                "coordinates",
                                List.of(List.of(
                                        List.of(11.49, 48.09),
                                        List.of(11.51, 48.09),
                                        List.of(11.51, 48.11),
                                        List.of(11.49, 48.11),
                                        List.of(11.49, 48.09)))))));
        // the healthy lamp is 10 m from the report, the failed one 40 m
        twin.create(t, entity("urn:ngsi-ld:Streetlight:healthy", "Streetlight", point(11.50013, 48.1)));
        twin.create(t, entity("urn:ngsi-ld:Streetlight:failed", "Streetlight", point(11.50054, 48.1)));
        node.alarms()
                .orElseThrow()
                .raise(new AlarmService.Raise(
                        t,
                        "lighting.lamp-failure",
                        Severity.MAJOR,
                        EntityId.of("urn:ngsi-ld:Streetlight:failed"),
                        "test",
                        "lamp out",
                        Map.of(),
                        Instant.now()));
        assertThat(twin.find(t, EntityId.of("urn:ngsi-ld:District:d-test"))).isPresent();
        assertThat(new TwinIncidentLocator(twin, null).district(t, new io.citytwin.incident.GeoPoint(11.5, 48.1)))
                .contains("urn:ngsi-ld:District:d-test");
        Map<String, List<String>> form = plainForm("The street lamp near the school is out, very dark");
        form.put("service_code", new java.util.ArrayList<>(List.of("streetlight")));
        form.put("lat", new java.util.ArrayList<>(List.of("48.1"))); // away from the suite's reports (duplicates)
        form.put("long", new java.util.ArrayList<>(List.of("11.5")));
        String id = submit(form, false);
        Incident incident = node.incidents().orElseThrow().byReport(t, id);
        assertThat(incident.entity()).isEqualTo("urn:ngsi-ld:Streetlight:failed");
        assertThat(incident.district()).isEqualTo("urn:ngsi-ld:District:d-test");
        assertThat(incident.alarms()).hasSize(1);
        assertThat(incident.department()).isEqualTo("lighting");
    }

    private static GeoValue point(double lon, double lat) {
        return GeoJson.parse(Map.of("type", "Point", "coordinates", List.of(lon, lat)));
    }

    private static Entity entity(String id, String type, GeoValue location) {
        return Entity.of(EntityId.of(id), Ngsi.DEFAULT_VOCAB + type)
                .withAttribute(Ngsi.LOCATION, List.of(Attribute.geo(location)));
    }
}
