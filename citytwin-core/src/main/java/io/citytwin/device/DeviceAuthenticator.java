package io.citytwin.device;

import io.citytwin.twin.TenantId;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/*
 * Authentication flow (called by the MQTT adapter on CONNECT and by the HTTP ingestion adapter per request):
 *
 *   1. find the device (by username across tenants for MQTT, by tenant + id for tokens);
 *   2. check the credential kind and, when the device is bound to a certificate CN, the presented CN;
 *   3. ask the CredentialCache whether this exact secret was verified against the device's current hash recently;
 *   4. otherwise run PBKDF2 (PasswordHash.matches) and, on success, record it in the cache.
 *
 * Unknown devices (and wrong credential kinds or certificates) still pay one PBKDF2 derivation against a dummy hash with the same iteration count, so that the
 * response time does not reveal whether a username exists (OWASP Authentication Cheat Sheet, "Authentication
 * Responses"). That means an attacker can make us spend CPU per attempt for unknown names just as for known ones;
 * connection rate limiting belongs in the protocol adapter.
 */
/**
 * Checks device credentials against the {@link DeviceRegistry}, with a {@link CredentialCache} in front of the slow
 * hash. Thread-safe when the registry and cache are (both are). Never throws for a refused device: the answer is an
 * {@link Authentication}. Does not clear the secret arrays it is given; the caller owns them.
 */
public final class DeviceAuthenticator {
    private static final char[] DUMMY_SECRET = "citytwin-dummy-secret".toCharArray();

    private final DeviceRegistry registry;
    private final CredentialCache cache;
    private final PasswordHash dummy;

    /**
     * @param registry where devices are looked up
     * @param cache the cache of recent successful checks
     * @param iterations the PBKDF2 iteration count used for new hashes ({@link PasswordHash#DEFAULT_ITERATIONS} in
     *     production), so that checks for unknown devices cost as much as for known ones
     */
    public DeviceAuthenticator(DeviceRegistry registry, CredentialCache cache, int iterations) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.dummy = PasswordHash.create(DUMMY_SECRET, iterations);
    }

    /**
     * Checks an MQTT-style username and password (no tenant: usernames are unique across tenants).
     *
     * @param certificateCn the CN of the client certificate the connection presented, or null without mutual TLS
     */
    public Authentication authenticate(String username, char[] password, @Nullable String certificateCn) {
        if (!Credentials.UsernamePassword.isValidUsername(username) || !PasswordHash.isAcceptableSecret(password)) {
            return new Authentication.Refused(Authentication.Reason.MALFORMED);
        }
        Optional<Device> found = registry.findByUsername(username);
        if (found.isEmpty()) {
            dummy.matches(password);
            return new Authentication.Refused(Authentication.Reason.UNKNOWN_DEVICE);
        }
        Device device = found.get();
        if (!(device.credentials() instanceof Credentials.UsernamePassword)) {
            dummy.matches(password);
            return new Authentication.Refused(Authentication.Reason.WRONG_CREDENTIAL_KIND);
        }
        return verify(device, password, certificateCn);
    }

    /**
     * Checks an access token presented for device {@code deviceId} of {@code tenant}.
     *
     * @param certificateCn the CN of the client certificate the connection presented, or null without mutual TLS
     */
    public Authentication authenticateToken(
            TenantId tenant, String deviceId, char[] token, @Nullable String certificateCn) {
        if (!DeviceId.isValid(deviceId) || !PasswordHash.isAcceptableSecret(token)) {
            return new Authentication.Refused(Authentication.Reason.MALFORMED);
        }
        Optional<Device> found = registry.get(tenant, new DeviceId(deviceId));
        if (found.isEmpty()) {
            dummy.matches(token);
            return new Authentication.Refused(Authentication.Reason.UNKNOWN_DEVICE);
        }
        Device device = found.get();
        if (!(device.credentials() instanceof Credentials.Token)) {
            dummy.matches(token);
            return new Authentication.Refused(Authentication.Reason.WRONG_CREDENTIAL_KIND);
        }
        return verify(device, token, certificateCn);
    }

    /** Forgets cached checks of a device; call after updating or deleting it (a changed hash is detected anyway). */
    public void invalidate(TenantId tenant, DeviceId id) {
        cache.invalidate(tenant, id);
    }

    private Authentication verify(Device device, char[] secret, @Nullable String presentedCn) {
        String requiredCn = device.certificateCn();
        if (requiredCn != null && !requiredCn.equals(presentedCn)) {
            dummy.matches(secret);
            return new Authentication.Refused(Authentication.Reason.CERTIFICATE_MISMATCH);
        }
        PasswordHash hash = device.credentials().hash();
        if (cache.isVerified(device.tenant(), device.id(), hash, secret)) {
            return new Authentication.Accepted(device);
        }
        if (!hash.matches(secret)) {
            return new Authentication.Refused(Authentication.Reason.BAD_CREDENTIALS);
        }
        cache.recordVerified(device.tenant(), device.id(), hash, secret);
        return new Authentication.Accepted(device);
    }
}
