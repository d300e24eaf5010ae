package io.citytwin.device;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/*
 * Why a cache, and what it costs.
 *
 * PBKDF2 is slow on purpose (PasswordHash: ~600,000 HMAC-SHA256 rounds, tens to hundreds of ms of one core). Devices
 * reconnect often (flaky cellular links, sleep cycles, a broker restart makes thousands reconnect at once), and HTTP
 * devices authenticate on every request. Verifying each time would make a reconnect storm a CPU denial of service.
 *
 * So after a successful PBKDF2 check we remember, per device, a keyed digest of the secret that worked:
 * HMAC-SHA256(processKey, secret), where processKey is 32 random bytes drawn when the cache is created and never
 * leaves the process. A later presentation of the same secret is checked by recomputing that HMAC (microseconds) and
 * comparing in constant time. An entry is bound to the PasswordHash it was verified against, so changing a device's
 * credentials (which always produces a new salted hash) makes its entry stale at once, on every node, even without an
 * explicit invalidate(); deleting a device makes the authenticator refuse before it asks the cache.
 *
 * Trade-offs, accepted deliberately:
 * - Within the TTL a memory dump of this process yields digests that are fast to brute-force (one HMAC per guess
 *   instead of PBKDF2) -- but only together with processKey, which is in the same dump. Plain SHA-256 would be worse:
 *   precomputed tables would apply. The TTL bounds how long such a digest exists.
 * - A secret revoked only by changing the stored hash takes effect immediately (see above); a device disabled by
 *   other means must call invalidate().
 * - Only successes are cached. Failed attempts always pay PBKDF2, which rate-limits online guessing; caching failures
 *   would let an attacker probe cheaply.
 *
 * Bounded: at most maxEntries devices, least recently used evicted first (LinkedHashMap in access order). One lock;
 * the critical section is a map lookup, the HMAC is computed outside it.
 */
/**
 * Remembers, for a bounded time and number of devices, which device secret was last verified successfully, so that
 * reconnecting devices do not pay a PBKDF2 derivation each time. Thread-safe.
 */
public final class CredentialCache {
    private final InstantSource clock;
    private final Duration ttl;
    private final int maxEntries;
    private final SecretKeySpec processKey;
    private final LinkedHashMap<Key, Verified> entries; // guarded by itself

    private record Key(TenantId tenant, DeviceId id) {}

    private record Verified(PasswordHash verifiedAgainst, byte[] secretDigest, Instant expiresAt) {}

    /**
     * @param clock the time source for expiry
     * @param ttl how long a successful check is remembered, positive (e.g. 10 minutes)
     * @param maxEntries the most devices remembered, at least 1 (e.g. 100,000: about 200 bytes each)
     */
    public CredentialCache(InstantSource clock, Duration ttl, int maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, not " + ttl);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, not " + maxEntries);
        }
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.processKey = new SecretKeySpec(key, "HmacSHA256");
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Verified> eldest) {
                return size() > CredentialCache.this.maxEntries;
            }
        };
    }

    /**
     * Whether {@code secret} was verified for this device against exactly {@code current} (its stored hash now)
     * within the TTL. A hit does not extend the TTL. Does not clear {@code secret}.
     */
    public boolean isVerified(TenantId tenant, DeviceId id, PasswordHash current, char[] secret) {
        Key key = new Key(tenant, id);
        Verified entry;
        synchronized (entries) {
            entry = entries.get(key);
            if (entry == null) {
                return false;
            }
            if (!clock.instant().isBefore(entry.expiresAt) || !entry.verifiedAgainst.equals(current)) {
                entries.remove(key);
                return false;
            }
        }
        return MessageDigest.isEqual(entry.secretDigest, digest(secret));
    }

    /** Records that {@code secret} matched {@code hash} for this device just now (replaces any earlier entry). */
    public void recordVerified(TenantId tenant, DeviceId id, PasswordHash hash, char[] secret) {
        Verified entry = new Verified(hash, digest(secret), clock.instant().plus(ttl));
        synchronized (entries) {
            entries.put(new Key(tenant, id), entry);
        }
    }

    /** Forgets the device (call when it is updated or deleted). */
    public void invalidate(TenantId tenant, DeviceId id) {
        synchronized (entries) {
            entries.remove(new Key(tenant, id));
        }
    }

    /** Forgets every device. */
    public void invalidateAll() {
        synchronized (entries) {
            entries.clear();
        }
    }

    /** How many devices are remembered (expired entries included until they are looked up or evicted). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private byte[] digest(char[] secret) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(processKey);
            mac.update(bytes);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "device.hash-unavailable", "HMAC-SHA256 is not available", e);
        } finally {
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }
}
