package io.citytwin.device;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/*
 * Password hashing with PBKDF2 (RFC 8018, section 5.2) using HMAC-SHA256 as the pseudo-random function, through the
 * JDK's "PBKDF2WithHmacSHA256" SecretKeyFactory, so that core needs no crypto library.
 *
 * - Work factor: DEFAULT_ITERATIONS = 600,000, the OWASP Password Storage Cheat Sheet recommendation for
 *   PBKDF2-HMAC-SHA256 (2023 revision; it raised the earlier 310,000). That costs tens to a few hundred
 *   milliseconds of one core per check, on purpose; CredentialCache absorbs reconnect storms. Tests pass a low
 *   count explicitly. The count is part of the encoded string, so it can be raised later without invalidating
 *   stored hashes (old ones keep verifying with their own count).
 * - Salt: 16 random bytes from SecureRandom per hash (NIST SP 800-132 asks for at least 128 bits).
 * - Output: 32 bytes (the PRF's output length; longer output would only cost the defender more).
 * - Encoding: "pbkdf2-sha256$<iterations>$<salt, Base64 without padding>$<hash, Base64 without padding>", in the
 *   spirit of the PHC string format, so a stored value says how to verify it.
 * - Access tokens are different: a token is a machine-made random string of at least TOKEN_MIN_LENGTH characters
 *   (>= 80 bits even for hex), which no dictionary or brute-force attack can guess, so key stretching buys nothing
 *   and would cost a city of 100,000 devices hours of CPU to provision. Tokens are hashed with TOKEN_ITERATIONS = 1,
 *   i.e. one salted HMAC-SHA256 (OWASP: fast hashes are fine for high-entropy secrets such as API keys); the
 *   encoded string records the count like any other.
 * - Comparison: MessageDigest.isEqual, which is constant-time in the length of its inputs (JDK 6u17+), so the time
 *   taken does not tell how many leading bytes matched.
 */
/**
 * A salted PBKDF2-HMAC-SHA256 hash of a device secret (password or access token). Immutable and thread-safe. The
 * secret itself is never kept; {@link #toString()} does not show the hash either.
 */
public final class PasswordHash {
    /**
     * The default iteration count: 600,000, the OWASP Password Storage Cheat Sheet value for PBKDF2-HMAC-SHA256
     * (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html, 2023).
     */
    public static final int DEFAULT_ITERATIONS = 600_000;

    /** The highest iteration count {@link #parse} accepts, so that a tampered record cannot stall a check. */
    public static final int MAX_ITERATIONS = 10_000_000;

    /** The longest secret accepted, in characters. */
    public static final int MAX_SECRET_LENGTH = 1024;

    /** The shortest access token accepted, in characters (see {@link #forToken}). */
    public static final int TOKEN_MIN_LENGTH = 20;

    /** The iteration count of token hashes: one salted HMAC-SHA256 (see {@link #forToken}). */
    public static final int TOKEN_ITERATIONS = 1;

    private static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;
    private final String encoded;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
        this.encoded = SCHEME + '$' + iterations + '$' + B64.encodeToString(salt) + '$' + B64.encodeToString(hash);
    }

    /**
     * Hashes {@code secret} with a fresh random salt. Does not clear {@code secret}; the caller owns it.
     *
     * @param iterations the PBKDF2 iteration count, 1 to {@link #MAX_ITERATIONS}; use {@link #DEFAULT_ITERATIONS}
     *     in production (lower counts are for tests)
     * @throws TwinException BadRequestData {@code device.secret-invalid} when the secret is empty or longer than
     *     {@link #MAX_SECRET_LENGTH}
     * @throws IllegalArgumentException when {@code iterations} is out of range (a programming error)
     */
    public static PasswordHash create(char[] secret, int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS + ", not " + iterations);
        }
        if (!isAcceptableSecret(secret)) {
            throw TwinException.badData(
                    "device.secret-invalid",
                    "A device secret must have 1 to " + MAX_SECRET_LENGTH + " characters of well-formed Unicode");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(secret, salt, iterations));
    }

    /**
     * Hashes a device access token: a single salted HMAC-SHA256 ({@link #TOKEN_ITERATIONS}), because a token of at
     * least {@link #TOKEN_MIN_LENGTH} random characters cannot be guessed however fast the hash is, and a city
     * provisions its devices by the hundred thousand.
     *
     * @throws TwinException BadRequestData {@code device.token-too-short} when the token has fewer than {@link
     *     #TOKEN_MIN_LENGTH} characters; {@code device.secret-invalid} as {@link #create(char[], int)}
     */
    public static PasswordHash forToken(char[] token) {
        if (token.length < TOKEN_MIN_LENGTH) {
            throw TwinException.badData(
                    "device.token-too-short",
                    "An access token must have at least " + TOKEN_MIN_LENGTH
                            + " characters (use a random string, e.g. 32 hex digits)");
        }
        return create(token, TOKEN_ITERATIONS);
    }

    /** {@link #create(char[], int)} with {@link #DEFAULT_ITERATIONS}. */
    public static PasswordHash create(char[] secret) {
        return create(secret, DEFAULT_ITERATIONS);
    }

    /**
     * Reads an encoded hash as produced by {@link #encoded()}.
     *
     * @throws TwinException BadRequestData {@code device.hash-invalid} when {@code encoded} is not a well-formed
     *     {@code pbkdf2-sha256} string (the message never repeats the input)
     */
    public static PasswordHash parse(String encoded) {
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw invalidHash();
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = B64D.decode(parts[2]);
            byte[] hash = B64D.decode(parts[3]);
            if (iterations < 1
                    || iterations > MAX_ITERATIONS
                    || salt.length < SALT_BYTES
                    || hash.length != HASH_BYTES) {
                throw invalidHash();
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw invalidHash();
        }
    }

    /**
     * Whether {@code secret} is the one this hash was made from. Costs one full PBKDF2 derivation whatever the
     * input; the final comparison is constant-time. Does not clear {@code secret}.
     */
    public boolean matches(char[] secret) {
        if (!isAcceptableSecret(secret)) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(secret, salt, iterations));
    }

    /**
     * Whether {@code secret} can be hashed: 1 to {@link #MAX_SECRET_LENGTH} characters and no unpaired surrogate.
     * PBKDF2 sees the UTF-8 bytes of the secret, and the JDK encodes an unpaired surrogate as {@code ?}, so without
     * this rule a lone high surrogate (U+D800) and {@code "?"} would be the same secret.
     */
    public static boolean isAcceptableSecret(char[] secret) {
        if (secret.length == 0 || secret.length > MAX_SECRET_LENGTH) {
            return false;
        }
        for (int i = 0; i < secret.length; i++) {
            char c = secret[i];
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == secret.length || !Character.isLowSurrogate(secret[i + 1])) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The self-describing string to store: {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}. */
    public String encoded() {
        return encoded;
    }

    /** The PBKDF2 iteration count of this hash. */
    public int iterations() {
        return iterations;
    }

    private static byte[] derive(char[] secret, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(secret, salt, iterations, HASH_BYTES * 8);
        try {
            // SecretKeyFactory instances are not thread-safe; getInstance is cheap next to the derivation
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "device.hash-unavailable", "PBKDF2-HMAC-SHA256 is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static TwinException invalidHash() {
        return TwinException.badData("device.hash-invalid", "Not a valid pbkdf2-sha256 password hash");
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof PasswordHash other && encoded.equals(other.encoded);
    }

    @Override
    public int hashCode() {
        return encoded.hashCode();
    }

    /** Names the scheme and the iteration count only: the hash and salt stay out of logs. */
    @Override
    public String toString() {
        return "PasswordHash[" + SCHEME + ", iterations=" + iterations + "]";
    }
}
