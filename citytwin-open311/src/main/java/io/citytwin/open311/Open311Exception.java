package io.citytwin.open311;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;

/**
 * An Open311 error with the HTTP status the GeoReport v2 spec gives it (400 bad or missing argument, 403 api_key, 404
 * unknown service, request, token or jurisdiction, 413 body too large). On the GeoReport routes it is answered in the
 * spec's error format ({@code [{"code": status, "description": ...}]}); anywhere else it is a {@link TwinException}
 * like any other, with the NGSI-LD type nearest to the status.
 */
public final class Open311Exception extends TwinException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status (400, 403, 404, 413)
     * @param code a stable code such as {@code open311.service-not-found}
     * @param description what went wrong, for the client
     */
    public Open311Exception(int status, String code, String description) {
        super(typeOf(status), code, description);
        this.status = status;
    }

    /** The HTTP status of this error. */
    public int status() {
        return status;
    }

    /** A 400: an argument is missing or malformed. */
    public static Open311Exception badRequest(String code, String description) {
        return new Open311Exception(400, code, description);
    }

    /** A 404: the named thing does not exist. */
    public static Open311Exception notFound(String code, String description) {
        return new Open311Exception(404, code, description);
    }

    private static ErrorType typeOf(int status) {
        return switch (status) {
            case 403 -> ErrorType.UNAUTHORIZED;
            case 404 -> ErrorType.RESOURCE_NOT_FOUND;
            case 413 -> ErrorType.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorType.UNSUPPORTED_MEDIA_TYPE;
            default -> ErrorType.BAD_REQUEST_DATA;
        };
    }
}
