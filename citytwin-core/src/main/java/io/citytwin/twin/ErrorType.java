package io.citytwin.twin;

/**
 * The NGSI-LD error types (ETSI GS CIM 009 v1.8, clause 5.5.2, table 5.5.2-1) with the HTTP status each maps to.
 *
 * <p>Every failure the platform reports to a client carries one of these; the HTTP adapter turns it into RFC 9457
 * problem details with {@link #uri()} as {@code type}.
 */
public enum ErrorType {
    INVALID_REQUEST("InvalidRequest", 400),
    BAD_REQUEST_DATA("BadRequestData", 400),
    ALREADY_EXISTS("AlreadyExists", 409),
    OPERATION_NOT_SUPPORTED("OperationNotSupported", 422),
    RESOURCE_NOT_FOUND("ResourceNotFound", 404),
    INTERNAL_ERROR("InternalError", 500),
    TOO_COMPLEX_QUERY("TooComplexQuery", 403),
    TOO_MANY_RESULTS("TooManyResults", 403),
    LD_CONTEXT_NOT_AVAILABLE("LdContextNotAvailable", 503),
    NO_MULTI_TENANT_SUPPORT("NoMultiTenantSupport", 501),
    NONEXISTENT_TENANT("NonexistentTenant", 404),
    /** Not an NGSI-LD type; used for 406/413/415 protocol-level refusals, reported with the InvalidRequest URI. */
    NOT_ACCEPTABLE("NotAcceptable", 406),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", 413),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaType", 415),
    /** Not an NGSI-LD type: a device presented no or wrong credentials (device APIs, not the NGSI-LD API). */
    UNAUTHORIZED("Unauthorized", 401),
    /**
     * Not an NGSI-LD type: the request conflicts with the current state of the resource (an illegal incident status
     * change, docs/incidents.md); reported with the InvalidRequest URI.
     */
    CONFLICT("Conflict", 409);

    private static final String BASE = "https://uri.etsi.org/ngsi-ld/errors/";

    private final String title;
    private final int status;

    ErrorType(String title, int status) {
        this.title = title;
        this.status = status;
    }

    /** The short name of the type, e.g. {@code ResourceNotFound}. */
    public String title() {
        return title;
    }

    /** The HTTP status code this error is answered with. */
    public int status() {
        return status;
    }

    /** The problem type URI, e.g. {@code https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound}. */
    public String uri() {
        return switch (this) {
            case NOT_ACCEPTABLE, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, UNAUTHORIZED, CONFLICT ->
                BASE + "InvalidRequest";
            default -> BASE + title;
        };
    }
}
