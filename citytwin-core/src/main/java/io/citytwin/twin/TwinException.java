package io.citytwin.twin;

import java.util.Objects;

/**
 * The one unchecked root exception of CityTwin. It carries an NGSI-LD {@link ErrorType}, a stable machine-readable
 * {@link #code()} (for example {@code entity.not-found}) and a human-readable detail that is safe to show to a
 * client (never a stack trace, never internal paths).
 */
public class TwinException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorType type;
    private final String code;

    /**
     * @param type the NGSI-LD error type, which fixes the HTTP status
     * @param code a stable code such as {@code q.syntax}; dotted, lower case
     * @param detail what went wrong, for the client
     */
    public TwinException(ErrorType type, String code, String detail) {
        super(detail);
        this.type = Objects.requireNonNull(type);
        this.code = Objects.requireNonNull(code);
    }

    /** Same as {@link #TwinException(ErrorType, String, String)} with the underlying cause kept for logs. */
    public TwinException(ErrorType type, String code, String detail, Throwable cause) {
        super(detail, cause);
        this.type = Objects.requireNonNull(type);
        this.code = Objects.requireNonNull(code);
    }

    public ErrorType type() {
        return type;
    }

    public String code() {
        return code;
    }

    /** The client-facing description. */
    public String detail() {
        String m = getMessage();
        return m == null ? type.title() : m;
    }

    /** Shorthand for a {@link ErrorType#BAD_REQUEST_DATA} error. */
    public static TwinException badData(String code, String detail) {
        return new TwinException(ErrorType.BAD_REQUEST_DATA, code, detail);
    }

    /** Shorthand for an {@link ErrorType#INVALID_REQUEST} error. */
    public static TwinException invalid(String code, String detail) {
        return new TwinException(ErrorType.INVALID_REQUEST, code, detail);
    }

    /** Shorthand for a {@link ErrorType#RESOURCE_NOT_FOUND} error. */
    public static TwinException notFound(String code, String detail) {
        return new TwinException(ErrorType.RESOURCE_NOT_FOUND, code, detail);
    }
}
