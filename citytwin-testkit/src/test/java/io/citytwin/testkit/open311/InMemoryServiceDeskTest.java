package io.citytwin.testkit.open311;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.open311.GeoPoint;
import io.citytwin.open311.NewRequest;
import io.citytwin.open311.Opinion;
import io.citytwin.open311.RequestQuery;
import io.citytwin.open311.Service;
import io.citytwin.open311.ServiceDefinition;
import io.citytwin.open311.ServiceRequest;
import io.citytwin.open311.Submission;
import io.citytwin.testkit.FakeClock;
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryServiceDeskTest {
    final FakeClock clock = new FakeClock();
    final InMemoryServiceDesk desk = new InMemoryServiceDesk(clock);
    final TenantId t = TenantId.DEFAULT;

    @Test
    void submit_realtime_storesAnOpenRequestDueInAWeek() {
        Submission s = desk.submit(t, request("streetlight", "lamp out"));
        assertThat(s.serviceRequestId()).isNotEmpty();
        assertThat(s.token()).isEmpty();
        ServiceRequest r = desk.request(t, s.serviceRequestId()).orElseThrow();
        assertThat(r.status()).isEqualTo(ServiceRequest.Status.OPEN);
        assertThat(r.requestedAt()).isEqualTo(clock.instant());
        assertThat(r.expectedAt()).isEqualTo(clock.instant().plus(InMemoryServiceDesk.EXPECTED));
        assertThat(r.agencyResponsible()).isEqualTo("lighting");
        assertThat(desk.request(TenantId.of("other"), s.serviceRequestId())).isEmpty();
    }

    @Test
    void batchService_answersATokenThatResolves() {
        desk.withService(
                new Service("bike", "Bike", "", false, Service.Type.BATCH, List.of(), "sanitation"),
                new ServiceDefinition("bike", List.of()));
        Submission s = desk.submit(t, request("bike", "old bike"));
        assertThat(s.serviceRequestId()).isEmpty();
        String id = desk.token(t, s.token()).orElseThrow().serviceRequestId();
        assertThat(desk.request(t, id)).isPresent();
        assertThat(desk.token(t, "nope")).isEmpty();
    }

    @Test
    void requests_filterByStatusCodeAndTime_newestFirst() {
        String a = desk.submit(t, request("streetlight", "a")).serviceRequestId();
        clock.advance(Duration.ofHours(1));
        String b = desk.submit(t, request("road", "b")).serviceRequestId();
        desk.close(t, a, "Fixed.");
        Instant from = clock.instant().minus(Duration.ofDays(1));
        Instant to = clock.instant();
        assertThat(ids(new RequestQuery(List.of(), List.of(), from, to, Set.of(), 10)))
                .containsExactly(b, a);
        assertThat(ids(new RequestQuery(List.of(), List.of(), from, to, Set.of(ServiceRequest.Status.CLOSED), 10)))
                .containsExactly(a);
        assertThat(ids(new RequestQuery(List.of(), List.of("road"), from, to, Set.of(), 10)))
                .containsExactly(b);
        assertThat(ids(new RequestQuery(List.of(), List.of(), from, to, Set.of(), 1)))
                .containsExactly(b);
        assertThat(ids(new RequestQuery(List.of(a), List.of("road"), to, to, Set.of(), 10)))
                .containsExactly(a);
        assertThat(desk.request(t, a).orElseThrow().statusNotes()).isEqualTo("Fixed.");
    }

    @Test
    void opinions_newestFirst() {
        String first =
                desk.post(t, new Opinion("too dark", "en", null, "", "", null)).id();
        String second =
                desk.post(t, new Opinion("zu dunkel", "de", null, "", "", null)).id();
        assertThat(desk.opinions(t, 10)).extracting(p -> p.id()).containsExactly(second, first);
        assertThat(desk.opinions(t, 1)).hasSize(1);
    }

    @Test
    void services_areTheStandardCatalogueInTheLocale() {
        assertThat(desk.services(t, Locale.GERMAN)).extracting(Service::code).contains("streetlight", "other");
        assertThat(desk.services(t, Locale.GERMAN).get(0).name()).isEqualTo("Straßenbeleuchtung");
        assertThat(desk.definition(t, "nope", Locale.ROOT)).isEmpty();
    }

    private List<String> ids(RequestQuery q) {
        return desk.requests(t, q).stream().map(ServiceRequest::id).toList();
    }

    private static NewRequest request(String code, String text) {
        return new NewRequest(code, new GeoPoint(52.5, 13.4), "", "", "", "", "", "", "", "", text, "", Map.of());
    }
}
