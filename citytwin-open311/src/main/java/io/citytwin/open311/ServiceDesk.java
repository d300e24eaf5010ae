package io.citytwin.open311;

import io.citytwin.twin.TenantId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The port behind Open311 and the public-opinion feed (contract D): the service catalogue, service requests, tokens
 * and opinion posts of each tenant. The node implements it over the incident service; tests use the in-memory desk of
 * the testkit.
 *
 * <p>The HTTP adapter checks a submission against {@link #definition} before calling {@link #submit} (service known,
 * location given, required attributes present and well-typed), so a desk receives only checked requests; a desk may
 * still refuse one with an {@link Open311Exception} (or any {@link io.citytwin.twin.TwinException}), which the
 * adapter answers in the spec's error format. Implementations must be thread-safe.
 */
public interface ServiceDesk {
    /**
     * The services citizens can report.
     *
     * @param locale the language of names and descriptions; {@link Locale#ROOT} for the default
     */
    List<Service> services(TenantId tenant, Locale locale);

    /**
     * The definition (attributes) of one service; empty when the service does not exist. A service without
     * attributes has a definition with none.
     */
    Optional<ServiceDefinition> definition(TenantId tenant, String serviceCode, Locale locale);

    /** Takes a new request; answers its id, or a token, or neither (see {@link Service.Type}). */
    Submission submit(TenantId tenant, NewRequest request);

    /** One request by its {@code service_request_id}. */
    Optional<ServiceRequest> request(TenantId tenant, String serviceRequestId);

    /** The requests matching {@code query}, newest first, at most {@code query.limit()}. */
    List<ServiceRequest> requests(TenantId tenant, RequestQuery query);

    /** What a token stands for; empty when the token is unknown. */
    Optional<TokenLookup> token(TenantId tenant, String token);

    /** Takes a public-opinion post. */
    OpinionReceipt post(TenantId tenant, Opinion opinion);

    /** The latest opinion posts, newest first, at most {@code limit}. */
    List<PostedOpinion> opinions(TenantId tenant, int limit);
}
