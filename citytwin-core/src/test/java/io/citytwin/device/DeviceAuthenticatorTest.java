package io.citytwin.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeviceAuthenticatorTest {
    private static final int ITERATIONS = 1_000;
    private static final TenantId CITY = new TenantId("city");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock();
    private final CredentialCache cache = new CredentialCache(clock, Duration.ofMinutes(5), 1_000);
    private final ListRegistry registry = new ListRegistry();
    private final DeviceAuthenticator auth = new DeviceAuthenticator(registry, cache, ITERATIONS);

    private static Device device(String id, Credentials credentials, String cn) {
        return new Device(
                DeviceId.of(id),
                CITY,
                EntityId.of("urn:ngsi-ld:Sensor:" + id),
                "Sensor",
                credentials,
                PayloadFormat.JSON,
                List.of(),
                cn,
                T0,
                T0);
    }

    private static Credentials.UsernamePassword user(String name, String password) {
        return new Credentials.UsernamePassword(name, PasswordHash.create(password.toCharArray(), ITERATIONS));
    }

    private static Credentials.Token token(String token) {
        return new Credentials.Token(PasswordHash.create(token.toCharArray(), ITERATIONS));
    }

    @Test
    void authenticate_rightUsernameAndPassword_isAccepted() {
        Device d = registry.add(device("d1", user("sensor-1", "pw-1"), null));
        Authentication result = auth.authenticate("sensor-1", "pw-1".toCharArray(), null);
        assertThat(result).isEqualTo(new Authentication.Accepted(d));
        assertThat(result.accepted()).isTrue();
    }

    @Test
    void authenticate_wrongPassword_isBadCredentials() {
        registry.add(device("d1", user("sensor-1", "pw-1"), null));
        assertThat(auth.authenticate("sensor-1", "pw-2".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.BAD_CREDENTIALS));
    }

    @Test
    void authenticate_unknownUsername_isUnknownDevice() {
        assertThat(auth.authenticate("nobody", "pw".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.UNKNOWN_DEVICE));
    }

    @Test
    void authenticate_emptyOrInvalidInput_isMalformed() {
        assertThat(auth.authenticate("", "pw".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.MALFORMED));
        assertThat(auth.authenticate("a b", "pw".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.MALFORMED));
        assertThat(auth.authenticate("sensor", new char[0], null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.MALFORMED));
        assertThat(auth.authenticate("sensor", new char[] {'a', '\uD800'}, null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.MALFORMED));
        assertThat(auth.authenticateToken(CITY, "bad id!", "t".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.MALFORMED));
    }

    @Test
    void authenticateToken_rightToken_isAcceptedAndWrongTenantIsUnknown() {
        Device d = registry.add(device("meter-7", token("tok-123"), null));
        assertThat(auth.authenticateToken(CITY, "meter-7", "tok-123".toCharArray(), null))
                .isEqualTo(new Authentication.Accepted(d));
        assertThat(auth.authenticateToken(CITY, "meter-7", "tok-124".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.BAD_CREDENTIALS));
        assertThat(auth.authenticateToken(new TenantId("other"), "meter-7", "tok-123".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.UNKNOWN_DEVICE));
    }

    @Test
    void authenticate_credentialKindMismatch_isRefused() {
        registry.add(device("meter-7", token("tok-123"), null));
        registry.add(device("d1", user("sensor-1", "pw-1"), null));
        assertThat(auth.authenticateToken(CITY, "d1", "pw-1".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.WRONG_CREDENTIAL_KIND));
    }

    @Test
    void authenticate_deviceBoundToCertificate_needsThatCn() {
        Device d = registry.add(device("d1", user("sensor-1", "pw-1"), "CN=sensor-1"));
        assertThat(auth.authenticate("sensor-1", "pw-1".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.CERTIFICATE_MISMATCH));
        assertThat(auth.authenticate("sensor-1", "pw-1".toCharArray(), "CN=sensor-2"))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.CERTIFICATE_MISMATCH));
        assertThat(auth.authenticate("sensor-1", "pw-1".toCharArray(), "CN=sensor-1"))
                .isEqualTo(new Authentication.Accepted(d));
    }

    @Test
    void authenticate_repeatedSuccess_isServedFromCacheUntilTtl() {
        registry.add(device("d1", user("sensor-1", "pw-1"), null));
        assertThat(auth.authenticate("sensor-1", "pw-1".toCharArray(), null).accepted())
                .isTrue();
        assertThat(cache.isVerified(
                        CITY, DeviceId.of("d1"), registry.only().credentials().hash(), "pw-1".toCharArray()))
                .isTrue();
        assertThat(auth.authenticate("sensor-1", "pw-1".toCharArray(), null).accepted())
                .isTrue();
        // a wrong password is never answered from the cache
        assertThat(auth.authenticate("sensor-1", "pw-x".toCharArray(), null).accepted())
                .isFalse();
        clock.advance(Duration.ofMinutes(6));
        assertThat(cache.isVerified(
                        CITY, DeviceId.of("d1"), registry.only().credentials().hash(), "pw-1".toCharArray()))
                .isFalse();
        assertThat(auth.authenticate("sensor-1", "pw-1".toCharArray(), null).accepted())
                .isTrue();
    }

    @Test
    void authenticate_afterPasswordChange_oldPasswordIsRefusedDespiteCache() {
        Device d = registry.add(device("d1", user("sensor-1", "old"), null));
        assertThat(auth.authenticate("sensor-1", "old".toCharArray(), null).accepted())
                .isTrue();
        registry.replace(d.withCredentials(user("sensor-1", "new"), T0.plusSeconds(1)));
        assertThat(auth.authenticate("sensor-1", "old".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.BAD_CREDENTIALS));
        assertThat(auth.authenticate("sensor-1", "new".toCharArray(), null).accepted())
                .isTrue();
    }

    @Test
    void authenticate_afterDelete_isUnknownDeviceDespiteCache() {
        registry.add(device("d1", user("sensor-1", "pw"), null));
        assertThat(auth.authenticate("sensor-1", "pw".toCharArray(), null).accepted())
                .isTrue();
        registry.delete(CITY, DeviceId.of("d1"));
        auth.invalidate(CITY, DeviceId.of("d1"));
        assertThat(auth.authenticate("sensor-1", "pw".toCharArray(), null))
                .isEqualTo(new Authentication.Refused(Authentication.Reason.UNKNOWN_DEVICE));
        assertThat(registry.lookups.get()).isPositive();
    }

    /** A minimal registry for these tests (the testkit's fake depends on core, so core cannot use it). */
    private static final class ListRegistry implements DeviceRegistry {
        private final List<Device> devices = new ArrayList<>();
        final AtomicInteger lookups = new AtomicInteger();

        Device add(Device d) {
            devices.add(d);
            return d;
        }

        Device only() {
            return devices.get(0);
        }

        void replace(Device d) {
            devices.removeIf(x -> x.id().equals(d.id()));
            devices.add(d);
        }

        @Override
        public Device create(Device device) {
            return add(device);
        }

        @Override
        public Optional<Device> get(TenantId tenant, DeviceId id) {
            lookups.incrementAndGet();
            return devices.stream()
                    .filter(d -> d.tenant().equals(tenant) && d.id().equals(id))
                    .findFirst();
        }

        @Override
        public List<Device> list(TenantId tenant, int offset, int limit) {
            return List.copyOf(devices);
        }

        @Override
        public long count(TenantId tenant) {
            return devices.size();
        }

        @Override
        public List<Device> withCommands() {
            return devices.stream()
                    .filter(d -> d.mapping().stream().anyMatch(FieldMapping::command))
                    .toList();
        }

        @Override
        public Device update(Device device) {
            replace(device);
            return device;
        }

        @Override
        public void delete(TenantId tenant, DeviceId id) {
            devices.removeIf(d -> d.tenant().equals(tenant) && d.id().equals(id));
        }

        @Override
        public Optional<Device> findByUsername(String username) {
            lookups.incrementAndGet();
            return devices.stream()
                    .filter(d -> d.username().equals(Optional.of(username)))
                    .findFirst();
        }

        @Override
        public void close() {}
    }
}
