package io.citytwin.testkit.open311;

import io.citytwin.open311.NewRequest;
import io.citytwin.open311.Open311Exception;
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
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ServiceDesk} that keeps everything in memory, per tenant: the {@link StandardServices} catalogue plus any
 * services a test adds, requests by id, tokens, opinions. Realtime services answer the new id, batch services a
 * token that resolves to the id, blackbox services nothing. Requests are due {@link #EXPECTED} after they arrive;
 * {@link #close} and {@link #assign} play the city's part. Thread-safe (one lock per desk; tests are small).
 */
public final class InMemoryServiceDesk implements ServiceDesk {
    /** How long after submission a request is expected to be done. */
    public static final Duration EXPECTED = Duration.ofDays(7);

    private final InstantSource clock;
    private final Map<String, Service> extraServices = new LinkedHashMap<>();
    private final Map<String, ServiceDefinition> extraDefinitions = new LinkedHashMap<>();
    private final Map<TenantId, Tenant> tenants = new ConcurrentHashMap<>();
    private long sequence;

    private static final class Tenant {
        final Map<String, ServiceRequest> requests = new LinkedHashMap<>();
        final Map<String, String> tokens = new LinkedHashMap<>();
        final List<PostedOpinion> opinions = new ArrayList<>();
        final List<NewRequest> submissions = new ArrayList<>();
    }

    /** A desk with the standard catalogue, stamping times from {@code clock}. */
    public InMemoryServiceDesk(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock);
    }

    /** Adds (or replaces) a service and its definition, in every tenant. */
    public synchronized InMemoryServiceDesk withService(Service service, ServiceDefinition definition) {
        if (!service.code().equals(definition.serviceCode())) {
            throw new IllegalArgumentException("Definition of " + definition.serviceCode() + " for " + service.code());
        }
        extraServices.put(service.code(), service);
        extraDefinitions.put(service.code(), definition);
        return this;
    }

    @Override
    public synchronized List<Service> services(TenantId tenant, Locale locale) {
        Map<String, Service> all = new LinkedHashMap<>();
        for (Service s : StandardServices.services(locale)) {
            all.put(s.code(), s);
        }
        all.putAll(extraServices);
        return List.copyOf(all.values());
    }

    @Override
    public synchronized Optional<ServiceDefinition> definition(TenantId tenant, String serviceCode, Locale locale) {
        ServiceDefinition extra = extraDefinitions.get(serviceCode);
        return extra != null ? Optional.of(extra) : StandardServices.definition(serviceCode, locale);
    }

    @Override
    public synchronized Submission submit(TenantId tenant, NewRequest r) {
        Service service = services(tenant, Locale.ROOT).stream()
                .filter(s -> s.code().equals(r.serviceCode()))
                .findFirst()
                .orElseThrow(() -> Open311Exception.notFound(
                        "open311.service-not-found", "service_code '" + r.serviceCode() + "' was not found"));
        Tenant t = tenant(tenant);
        t.submissions.add(r);
        String id = String.format(Locale.ROOT, "req-%06d", ++sequence);
        var now = clock.instant();
        String notice = "Thank you; the " + service.group() + " department will look at it.";
        t.requests.put(
                id,
                new ServiceRequest(
                        id,
                        ServiceRequest.Status.OPEN,
                        "",
                        service.name(),
                        service.code(),
                        r.description(),
                        service.group(),
                        notice,
                        now,
                        now,
                        now.plus(EXPECTED),
                        r.addressString(),
                        r.addressId(),
                        "",
                        r.location(),
                        r.mediaUrl()));
        return switch (service.type()) {
            case REALTIME -> Submission.created(id, notice);
            case BATCH -> {
                String token = String.format(Locale.ROOT, "tok-%06d", sequence);
                t.tokens.put(token, id);
                yield Submission.queued(token, notice);
            }
            case BLACKBOX -> new Submission("", "", notice, "");
        };
    }

    @Override
    public synchronized Optional<ServiceRequest> request(TenantId tenant, String serviceRequestId) {
        return Optional.ofNullable(tenant(tenant).requests.get(serviceRequestId));
    }

    @Override
    public synchronized List<ServiceRequest> requests(TenantId tenant, RequestQuery query) {
        return tenant(tenant).requests.values().stream()
                .filter(query::matches)
                .sorted(Comparator.comparing(ServiceRequest::requestedAt)
                        .thenComparing(ServiceRequest::id)
                        .reversed())
                .limit(query.limit())
                .toList();
    }

    @Override
    public synchronized Optional<TokenLookup> token(TenantId tenant, String token) {
        String id = tenant(tenant).tokens.get(token);
        return id == null ? Optional.empty() : Optional.of(new TokenLookup(token, id));
    }

    @Override
    public synchronized OpinionReceipt post(TenantId tenant, Opinion opinion) {
        String id = String.format(Locale.ROOT, "op-%06d", ++sequence);
        tenant(tenant).opinions.add(new PostedOpinion(id, opinion, clock.instant(), ""));
        return new OpinionReceipt(id, "");
    }

    @Override
    public synchronized List<PostedOpinion> opinions(TenantId tenant, int limit) {
        List<PostedOpinion> all = new ArrayList<>(tenant(tenant).opinions);
        java.util.Collections.reverse(all);
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    /** Every request submitted to {@code tenant} as the adapter handed it over (attributes included), oldest first. */
    public synchronized List<NewRequest> submissions(TenantId tenant) {
        return List.copyOf(tenant(tenant).submissions);
    }

    /** Closes a request with a note (the city has fixed it); false when there is no such request. */
    public synchronized boolean close(TenantId tenant, String id, String notes) {
        return update(tenant, id, ServiceRequest.Status.CLOSED, notes, null);
    }

    /** Hands a request to an agency with a notice; false when there is no such request. */
    public synchronized boolean assign(TenantId tenant, String id, String agency, String notice) {
        return update(tenant, id, null, notice, agency);
    }

    private boolean update(TenantId tenant, String id, ServiceRequest.Status status, String notes, String agency) {
        Tenant t = tenant(tenant);
        ServiceRequest r = t.requests.get(id);
        if (r == null) {
            return false;
        }
        t.requests.put(
                id,
                new ServiceRequest(
                        r.id(),
                        status == null ? r.status() : status,
                        notes,
                        r.serviceName(),
                        r.serviceCode(),
                        r.description(),
                        agency == null ? r.agencyResponsible() : agency,
                        agency == null ? r.serviceNotice() : notes,
                        r.requestedAt(),
                        clock.instant(),
                        r.expectedAt(),
                        r.address(),
                        r.addressId(),
                        r.zipcode(),
                        r.location(),
                        r.mediaUrl()));
        return true;
    }

    private Tenant tenant(TenantId id) {
        return tenants.computeIfAbsent(id, k -> new Tenant());
    }
}
