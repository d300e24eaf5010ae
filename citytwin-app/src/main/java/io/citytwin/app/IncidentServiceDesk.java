package io.citytwin.app;

import io.citytwin.incident.Category;
import io.citytwin.incident.CitizenReport;
import io.citytwin.incident.Incident;
import io.citytwin.incident.IncidentDetail;
import io.citytwin.incident.IncidentService;
import io.citytwin.incident.IncidentStatus;
import io.citytwin.incident.IncidentStore;
import io.citytwin.incident.Intake;
import io.citytwin.incident.Report;
import io.citytwin.incident.Source;
import io.citytwin.incident.TimelineEntry;
import io.citytwin.open311.GeoPoint;
import io.citytwin.open311.NewRequest;
import io.citytwin.open311.Opinion;
import io.citytwin.open311.OpinionReceipt;
import io.citytwin.open311.PostedOpinion;
import io.citytwin.open311.RequestQuery;
import io.citytwin.open311.Service;
import io.citytwin.open311.ServiceDefinition;
import io.citytwin.open311.ServiceDesk;
import io.citytwin.open311.ServiceRequest;
import io.citytwin.open311.StandardServices;
import io.citytwin.open311.Submission;
import io.citytwin.open311.TokenLookup;
import io.citytwin.open311.W3cDateTime;
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/*
 * OPEN311 OVER INCIDENTS
 *
 * A service request is a citizen report (io.citytwin.incident.Report): its service_request_id is the report's id
 * (rep-000042), so that two requests merged as duplicates into one incident keep their own ids; its status, agency,
 * notes and expected time come from the incident it belongs to: closed once the incident is resolved or closed
 * (Open311 knows only open and closed), agency_responsible = the incident's department, status_notes = the note of
 * the incident's latest timeline entry that has one, expected_datetime = the SLA due time. Every service is
 * realtime (the id is answered at once), so tokens never stand for anything. A public-opinion post is a report of
 * source opinion, classified from its text.
 *
 * Listing requests walks the incidents created in the query's date range (the store's createdBetween) and their
 * Open311 reports: a merged report is found through the incident that was opened in range, which is close enough
 * for the spec's "requested_datetime" range (a duplicate arrives within the 7 days of the duplicate window).
 */
/** The Open311 {@link ServiceDesk} of a node, over its incident service (see OPEN311 OVER INCIDENTS). */
final class IncidentServiceDesk implements ServiceDesk {
    private final IncidentService incidents;
    private final IncidentStore store;
    private final InstantSource clock;

    /** The standard services' names by code (English), for the requests' {@code service_name}. */
    private static final java.util.Map<String, String> SERVICE_NAMES = StandardServices.services(Locale.ROOT).stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Service::code, Service::name));

    /** How far back {@link #opinions} looks. */
    static final Duration OPINIONS_WINDOW = Duration.ofDays(30);

    IncidentServiceDesk(IncidentService incidents, IncidentStore store, InstantSource clock) {
        this.incidents = incidents;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public List<Service> services(TenantId tenant, Locale locale) {
        return StandardServices.services(locale);
    }

    @Override
    public Optional<ServiceDefinition> definition(TenantId tenant, String serviceCode, Locale locale) {
        return StandardServices.definition(serviceCode, locale);
    }

    @Override
    public Submission submit(TenantId tenant, NewRequest r) {
        String language = first(r, "language");
        String kind = first(r, "kind");
        String when = first(r, "requested_datetime");
        Instant at = when.isEmpty() ? null : W3cDateTime.parse("attribute[requested_datetime]", when);
        String author = !r.email().isEmpty()
                ? r.email()
                : !r.accountId().isEmpty() ? r.accountId() : (r.firstName() + " " + r.lastName()).strip();
        String text = r.description().isBlank() ? r.addressString() : r.description();
        if (text.isBlank()) {
            text = r.serviceCode();
        }
        boolean post = "post".equals(kind); // a public post relayed through Open311: its text decides the category
        CitizenReport report = new CitizenReport(
                post ? Source.OPINION : Source.OPEN311,
                text,
                null,
                post ? null : Category.of(r.serviceCode()),
                null,
                null,
                language.isEmpty() ? null : language,
                r.location() == null
                        ? null
                        : new io.citytwin.incident.GeoPoint(
                                r.location().lon(), r.location().lat()),
                author.isEmpty() ? null : author,
                r.deviceId().isEmpty() ? null : r.deviceId(),
                at);
        Intake in = incidents.submit(tenant, report);
        String notice = in.merged()
                ? "Merged with incident " + in.incident().id() + " about the same problem."
                : in.incident().department() == null
                        ? "Received; it will be triaged."
                        : "Sent to " + in.incident().department() + ".";
        return Submission.created(in.report().id(), notice);
    }

    private static String first(NewRequest r, String attribute) {
        List<String> v = r.attributes().get(attribute);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    @Override
    public Optional<ServiceRequest> request(TenantId tenant, String serviceRequestId) {
        Optional<String> incident = store.incidentOfReport(tenant, serviceRequestId);
        if (incident.isEmpty()) {
            return Optional.empty();
        }
        IncidentDetail d = incidents.detail(tenant, incident.get());
        return d.reports().stream()
                .filter(rep -> rep.id().equals(serviceRequestId))
                .findFirst()
                .map(rep -> toRequest(d, rep));
    }

    @Override
    public List<ServiceRequest> requests(TenantId tenant, RequestQuery query) {
        List<ServiceRequest> out = new ArrayList<>();
        if (!query.ids().isEmpty()) {
            for (String id : query.ids()) {
                request(tenant, id).ifPresent(out::add);
            }
        } else {
            for (Incident i :
                    store.createdBetween(tenant, query.start().minus(IncidentService.DUPLICATE_WINDOW), query.end())) {
                IncidentDetail d = incidents.detail(tenant, i.id());
                for (Report rep : d.reports()) {
                    if (rep.source() == Source.OPEN311) {
                        ServiceRequest sr = toRequest(d, rep);
                        if (query.matches(sr)) {
                            out.add(sr);
                        }
                    }
                }
            }
        }
        out.sort(Comparator.comparing(ServiceRequest::requestedAt).reversed().thenComparing(ServiceRequest::id));
        return out.size() > query.limit() ? List.copyOf(out.subList(0, query.limit())) : out;
    }

    private static ServiceRequest toRequest(IncidentDetail d, Report rep) {
        Incident i = d.incident();
        boolean closed = i.status() == IncidentStatus.RESOLVED || i.status() == IncidentStatus.CLOSED;
        String notes = "";
        for (int k = d.timeline().size() - 1; k >= 0; k--) {
            TimelineEntry e = d.timeline().get(k);
            if (e.note() != null && !e.note().isBlank()) {
                notes = e.note();
                break;
            }
        }
        String code = rep.category().label();
        String name = SERVICE_NAMES.getOrDefault(code, code);
        Instant updated = i.updatedAt();
        return new ServiceRequest(
                rep.id(),
                closed ? ServiceRequest.Status.CLOSED : ServiceRequest.Status.OPEN,
                notes,
                name,
                code,
                rep.text(),
                i.department() == null ? "" : i.department(),
                "",
                rep.receivedAt(),
                updated.isBefore(rep.receivedAt()) ? rep.receivedAt() : updated,
                i.dueAt(),
                "",
                "",
                "",
                rep.location() == null
                        ? null
                        : new GeoPoint(rep.location().lat(), rep.location().lon()),
                "");
    }

    @Override
    public Optional<TokenLookup> token(TenantId tenant, String token) {
        return Optional.empty(); // every service is realtime: ids are answered at once, no token stands for one
    }

    @Override
    public OpinionReceipt post(TenantId tenant, Opinion o) {
        CitizenReport report = new CitizenReport(
                Source.OPINION,
                o.text(),
                null,
                null,
                null,
                null,
                o.language().isEmpty() ? null : o.language(),
                o.location() == null
                        ? null
                        : new io.citytwin.incident.GeoPoint(
                                o.location().lon(), o.location().lat()),
                o.author().isEmpty() ? null : o.author(),
                o.source().isEmpty() ? null : o.source(),
                o.postedAt());
        Intake in = incidents.submit(tenant, report);
        return new OpinionReceipt(in.report().id(), in.incident().id());
    }

    @Override
    public List<PostedOpinion> opinions(TenantId tenant, int limit) {
        List<PostedOpinion> out = new ArrayList<>();
        Instant now = clock.instant();
        for (Incident i : store.createdBetween(tenant, now.minus(OPINIONS_WINDOW), now.plus(Duration.ofDays(1)))) {
            for (Report rep : store.reports(tenant, i.id())) {
                if (rep.source() == Source.OPINION) {
                    out.add(new PostedOpinion(
                            rep.id(),
                            new Opinion(
                                    rep.text(),
                                    rep.language() == null ? "" : rep.language(),
                                    rep.location() == null
                                            ? null
                                            : new GeoPoint(
                                                    rep.location().lat(),
                                                    rep.location().lon()),
                                    rep.externalId() == null ? "" : rep.externalId(),
                                    rep.author() == null ? "" : rep.author(),
                                    rep.receivedAt()),
                            rep.receivedAt(),
                            i.id()));
                }
            }
        }
        out.sort(Comparator.comparing(PostedOpinion::receivedAt).reversed());
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }
}
