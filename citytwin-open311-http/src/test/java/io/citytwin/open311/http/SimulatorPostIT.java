package io.citytwin.open311.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.http.ApiServer;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.open311.NewRequest;
import io.citytwin.open311.RequestQuery;
import io.citytwin.open311.ServiceRequest;
import io.citytwin.sim.CitizenReports;
import io.citytwin.sim.Open311Poster;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.open311.InMemoryServiceDesk;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.geo.GeoJson;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator's real {@link Open311Poster} posts citizen reports (in English, German and Chinese, with its extra
 * attributes) to the endpoint, and every report arrives as a service request with its text, place and attributes.
 */
class SimulatorPostIT {
    @Test
    void simulatorReports_arriveAsServiceRequests() {
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T10:00:00Z"));
        InMemoryServiceDesk desk = new InMemoryServiceDesk(clock);
        try (ApiServer api = ApiServer.builder()
                        .twin(new Twin(new InMemoryTwinRepository(), InstantSource.system()))
                        .contexts(ContextResolver.builder().allowRemote(false).build())
                        .codec(new EntityCodec(GeoJson::parse))
                        .host("127.0.0.1")
                        .port(0)
                        .extension(new Open311Api(desk, Open311Options.DEFAULTS, clock))
                        .build()
                        .start();
                Open311Poster poster =
                        new Open311Poster(URI.create("http://127.0.0.1:" + api.port() + "/open311/v2"))) {
            List<CitizenReports.Report> reports = List.of(
                    report("streetlight", "en", "The lamp at the corner is out & it's dark <again>", 13.40, 52.52),
                    report("road", "de", "Großes Schlagloch vor der Schule", 13.41, 52.53),
                    report("waste", "zh", "垃圾桶满了，垃圾溢出到人行道上", 13.42, 52.51));
            for (CitizenReports.Report r : reports) {
                assertThat(poster.post(r)).as(r.text()).isTrue();
            }
            assertThat(poster.posted()).isEqualTo(3);
            assertThat(poster.failed()).isZero();

            List<ServiceRequest> stored = desk.requests(
                    TenantId.DEFAULT,
                    new RequestQuery(
                            List.of(),
                            List.of(),
                            clock.instant().minus(Duration.ofDays(1)),
                            clock.instant().plus(Duration.ofDays(1)),
                            Set.of(),
                            100));
            assertThat(stored).hasSize(3);
            for (CitizenReports.Report r : reports) {
                ServiceRequest s = stored.stream()
                        .filter(x -> x.description().equals(r.text()))
                        .findFirst()
                        .orElseThrow();
                assertThat(s.serviceCode()).isEqualTo(r.category());
                assertThat(s.location().lat()).isCloseTo(r.lat(), org.assertj.core.data.Offset.offset(1e-6));
                assertThat(s.location().lon()).isCloseTo(r.lon(), org.assertj.core.data.Offset.offset(1e-6));
                assertThat(s.address()).isEqualTo(r.road() + ", " + r.district());
                assertThat(s.status()).isEqualTo(ServiceRequest.Status.OPEN);
                NewRequest n = desk.submissions(TenantId.DEFAULT).stream()
                        .filter(x -> x.description().equals(r.text()))
                        .findFirst()
                        .orElseThrow();
                assertThat(n.deviceId()).isEqualTo("citytwin-sim");
                assertThat(n.attribute("language")).isEqualTo(r.language());
                assertThat(n.attribute("kind")).isEqualTo("report");
                assertThat(n.attribute("requested_datetime")).isEqualTo("2026-03-01T09:30:00Z");
            }
        }
    }

    private static CitizenReports.Report report(String category, String language, String text, double lon, double lat) {
        return new CitizenReports.Report(
                "r-" + category,
                null,
                "report",
                category,
                language,
                text,
                lon,
                lat,
                "Main Street",
                "Mitte",
                Instant.parse("2026-03-01T09:30:00Z"));
    }
}
