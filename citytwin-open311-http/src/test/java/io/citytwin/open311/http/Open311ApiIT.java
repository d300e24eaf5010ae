package io.citytwin.open311.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.http.ApiServer;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.open311.NewRequest;
import io.citytwin.open311.Open311Exception;
import io.citytwin.open311.Service;
import io.citytwin.open311.Submission;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.open311.InMemoryServiceDesk;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.geo.GeoJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the adapter adds beyond the conformance suite: no-key mode, tenants, locales, the adapter's own body limit,
 * a desk that refuses or fails, and the fake clock driving the default date range.
 */
class Open311ApiIT {
    static final ObjectMapper JSON = new ObjectMapper();

    final FakeClock clock = new FakeClock(Instant.parse("2026-05-01T12:00:00Z"));
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    InMemoryServiceDesk desk;
    ApiServer api;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        desk = new InMemoryServiceDesk(clock);
        InMemoryServiceDesk inner = desk;
        // a desk that fails on demand, to see how the adapter answers a refusing or broken desk
        var failing = new io.citytwin.open311.ServiceDesk() {
            private void maybeFail() {
                RuntimeException e = failure.get();
                if (e != null) {
                    throw e;
                }
            }

            @Override
            public List<Service> services(TenantId t, Locale l) {
                maybeFail();
                return inner.services(t, l);
            }

            @Override
            public java.util.Optional<io.citytwin.open311.ServiceDefinition> definition(
                    TenantId t, String c, Locale l) {
                return inner.definition(t, c, l);
            }

            @Override
            public Submission submit(TenantId t, NewRequest r) {
                maybeFail();
                return inner.submit(t, r);
            }

            @Override
            public java.util.Optional<io.citytwin.open311.ServiceRequest> request(TenantId t, String id) {
                return inner.request(t, id);
            }

            @Override
            public List<io.citytwin.open311.ServiceRequest> requests(TenantId t, io.citytwin.open311.RequestQuery q) {
                return inner.requests(t, q);
            }

            @Override
            public java.util.Optional<io.citytwin.open311.TokenLookup> token(TenantId t, String token) {
                return inner.token(t, token);
            }

            @Override
            public io.citytwin.open311.OpinionReceipt post(TenantId t, io.citytwin.open311.Opinion o) {
                return inner.post(t, o);
            }

            @Override
            public List<io.citytwin.open311.PostedOpinion> opinions(TenantId t, int limit) {
                return inner.opinions(t, limit);
            }
        };
        api = ApiServer.builder()
                .twin(new Twin(new InMemoryTwinRepository(), InstantSource.system()))
                .contexts(ContextResolver.builder().allowRemote(false).build())
                .codec(new EntityCodec(GeoJson::parse))
                .host("127.0.0.1")
                .port(0)
                .extension(new Open311Api(failing, Open311Options.DEFAULTS, clock))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void withoutConfiguredKeys_postNeedsNoKey() throws Exception {
        HttpResponse<String> r = post("requests.json", "service_code=road&lat=52.5&long=13.4", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get(0).get("service_request_id").asText())
                .isNotEmpty();
    }

    @Test
    void tenants_areSeparate() throws Exception {
        String id = JSON.readTree(post("requests.json", "service_code=road&address_id=7", "district-a")
                        .body())
                .get(0)
                .get("service_request_id")
                .asText();
        assertThat(get("requests/" + id + ".json", "district-a", "").statusCode())
                .isEqualTo(200);
        assertThat(get("requests/" + id + ".json", "", "").statusCode()).isEqualTo(404);
        assertThat(get("requests.json", "bad tenant!", "").statusCode()).isEqualTo(400);
    }

    @Test
    void defaultDateRange_isTheLast90DaysOfTheClock() throws Exception {
        String id = JSON.readTree(post("requests.json", "service_code=road&address_id=7", "")
                        .body())
                .get(0)
                .get("service_request_id")
                .asText();
        assertThat(ids(get("requests.json", "", "").body())).contains(id);
        clock.advance(java.time.Duration.ofDays(91));
        assertThat(ids(get("requests.json", "", "").body())).doesNotContain(id);
        assertThat(ids(get("requests.json?end_date=2026-05-02T00:00:00Z", "", "")
                        .body()))
                .contains(id);
        assertThat(ids(get("requests.json?start_date=2026-05-01", "", "").body()))
                .contains(id);
    }

    @Test
    void locale_fromParameterOrAcceptLanguage() throws Exception {
        assertThat(JSON.readTree(get("services.json", "", "de-DE,de;q=0.9").body())
                        .get(0)
                        .get("service_name")
                        .asText())
                .isEqualTo("Straßenbeleuchtung");
        assertThat(JSON.readTree(get("services.json?locale=zh", "", "de").body())
                        .get(0)
                        .get("service_name")
                        .asText())
                .isEqualTo("路灯");
        assertThat(JSON.readTree(get("services.json", "", "").body())
                        .get(0)
                        .get("service_name")
                        .asText())
                .isEqualTo("Street light");
    }

    @Test
    void bodyOverTheEndpointsLimit_is413InTheSpecsFormat() throws Exception {
        HttpResponse<String> r = post("requests.xml", "service_code=road&address_id=7&pad=" + "x".repeat(70_000), "");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("<errors><error><code>413</code>");
    }

    @Test
    void aDeskRefusal_isAnsweredInTheSpecsFormat_andAFailureAs500() throws Exception {
        failure.set(Open311Exception.badRequest("crm.down", "The CRM is down; try again later"));
        HttpResponse<String> r = post("requests.json", "service_code=road&address_id=7", "");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get(0).get("description").asText()).contains("CRM is down");
        failure.set(new IllegalStateException("secret internals"));
        HttpResponse<String> x = get("services.xml", "", "");
        assertThat(x.statusCode()).isEqualTo(500);
        assertThat(x.body()).contains("<errors><error><code>500</code>").doesNotContain("secret");
        failure.set(null);
        assertThat(get("services.xml", "", "").statusCode()).isEqualTo(200);
    }

    private static List<String> ids(String body) throws IOException {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode n : JSON.readTree(body)) {
            out.add(n.get("service_request_id").asText());
        }
        return out;
    }

    private HttpResponse<String> get(String path, String tenant, String language) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (!tenant.isEmpty()) {
            b.header("NGSILD-Tenant", tenant);
        }
        if (!language.isEmpty()) {
            b.header("Accept-Language", language);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form, String tenant) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (!tenant.isEmpty()) {
            b.header("NGSILD-Tenant", tenant);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + "/open311/v2/" + path);
    }
}
