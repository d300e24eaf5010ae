package io.citytwin.device;

import java.util.Objects;

/**
 * The outcome of a {@link DeviceAuthenticator} check: a result value, not an exception, because refusing devices is
 * routine. A refusal's {@link Refused#reason()} is for logs and metrics; protocol adapters should answer a device with
 * one generic "not authorized" whatever the reason, so that probing does not learn which devices exist.
 */
public sealed interface Authentication {

    /** The device is who it claims to be. */
    record Accepted(Device device) implements Authentication {
        public Accepted {
            Objects.requireNonNull(device, "device");
        }
    }

    /** The device is refused. */
    record Refused(Reason reason) implements Authentication {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a device was refused. */
    enum Reason {
        /** No device is registered under that username or id. */
        UNKNOWN_DEVICE,
        /** The device exists but the secret does not match. */
        BAD_CREDENTIALS,
        /**
         * The device exists but authenticates another way (a token device presented a username and password, or
         * the other way round).
         */
        WRONG_CREDENTIAL_KIND,
        /** The device requires a client certificate whose CN differs from the one presented (or none was). */
        CERTIFICATE_MISMATCH,
        /** The request was malformed (invalid username or device id, empty, over-long or ill-formed secret). */
        MALFORMED
    }

    /** Whether this is {@link Accepted}. */
    default boolean accepted() {
        return this instanceof Accepted;
    }
}
