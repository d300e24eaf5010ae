package io.citytwin.device;

import io.citytwin.twin.TwinException;

/**
 * How a device proves who it is. Only hashes are held: the secret is hashed when the device is provisioned and then
 * forgotten. {@code toString()} never shows a hash.
 */
public sealed interface Credentials {

    /** The hash of the secret the device presents. */
    PasswordHash hash();

    /**
     * A username and password, as in an MQTT CONNECT. Usernames are unique across all tenants, because an MQTT
     * CONNECT names no tenant: the username alone finds the device.
     *
     * @param username 1 to 128 characters, no control characters or whitespace
     * @param hash the hash of the password
     */
    record UsernamePassword(String username, PasswordHash hash) implements Credentials {
        public static final int MAX_USERNAME_LENGTH = 128;

        public UsernamePassword {
            if (!isValidUsername(username)) {
                throw TwinException.badData(
                        "device.username-invalid",
                        "A device username must have 1 to 128 characters without whitespace or control characters");
            }
            if (hash == null) {
                throw TwinException.badData("device.credentials-missing", "The password hash is missing");
            }
        }

        /** Whether {@code username} is acceptable, without allocating an exception. */
        public static boolean isValidUsername(String username) {
            if (username == null || username.isEmpty() || username.length() > MAX_USERNAME_LENGTH) {
                return false;
            }
            for (int i = 0; i < username.length(); i++) {
                char c = username.charAt(i);
                if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
                    return false;
                }
            }
            return true;
        }

        /** Shows the username only. */
        @Override
        public String toString() {
            return "UsernamePassword[username=" + username + "]";
        }
    }

    /**
     * An access token, presented with the device id (for example as a bearer token on HTTP ingestion).
     *
     * @param hash the hash of the token
     */
    record Token(PasswordHash hash) implements Credentials {
        public Token {
            if (hash == null) {
                throw TwinException.badData("device.credentials-missing", "The token hash is missing");
            }
        }

        /** Shows nothing of the token. */
        @Override
        public String toString() {
            return "Token[***]";
        }
    }
}
