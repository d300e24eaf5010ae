package io.citytwin.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TenantId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {
    private static final TenantId TENANT = new TenantId("city");
    private static final DeviceId D1 = DeviceId.of("d1");
    private static final DeviceId D2 = DeviceId.of("d2");
    private static final PasswordHash HASH = PasswordHash.create("pw".toCharArray(), 1_000);

    private final MutableClock clock = new MutableClock();
    private final CredentialCache cache = new CredentialCache(clock, Duration.ofMinutes(10), 100);

    @Test
    void isVerified_afterRecord_isTrueForSameSecretOnly() {
        assertThat(cache.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isFalse();
        cache.recordVerified(TENANT, D1, HASH, "pw".toCharArray());
        assertThat(cache.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isTrue();
        assertThat(cache.isVerified(TENANT, D1, HASH, "pw2".toCharArray())).isFalse();
        assertThat(cache.isVerified(TENANT, D2, HASH, "pw".toCharArray())).isFalse();
        assertThat(cache.isVerified(new TenantId("other"), D1, HASH, "pw".toCharArray()))
                .isFalse();
    }

    @Test
    void isVerified_afterTtl_isFalseAndEntryIsDropped() {
        cache.recordVerified(TENANT, D1, HASH, "pw".toCharArray());
        clock.advance(Duration.ofMinutes(10).minusNanos(1));
        assertThat(cache.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isTrue();
        clock.advance(Duration.ofNanos(1));
        assertThat(cache.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isFalse();
        assertThat(cache.size()).isZero();
    }

    @Test
    void isVerified_afterCredentialsChange_isFalse() {
        cache.recordVerified(TENANT, D1, HASH, "pw".toCharArray());
        PasswordHash rotated = PasswordHash.create("pw".toCharArray(), 1_000); // same secret, new salt
        assertThat(cache.isVerified(TENANT, D1, rotated, "pw".toCharArray())).isFalse();
        assertThat(cache.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isFalse(); // entry was dropped
    }

    @Test
    void invalidate_forgetsTheDeviceOnly() {
        cache.recordVerified(TENANT, D1, HASH, "pw".toCharArray());
        cache.recordVerified(TENANT, D2, HASH, "pw".toCharArray());
        cache.invalidate(TENANT, D1);
        assertThat(cache.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isFalse();
        assertThat(cache.isVerified(TENANT, D2, HASH, "pw".toCharArray())).isTrue();
        cache.invalidateAll();
        assertThat(cache.size()).isZero();
    }

    @Test
    void recordVerified_beyondMaxEntries_evictsLeastRecentlyUsed() {
        CredentialCache small = new CredentialCache(clock, Duration.ofMinutes(10), 2);
        small.recordVerified(TENANT, D1, HASH, "pw".toCharArray());
        small.recordVerified(TENANT, D2, HASH, "pw".toCharArray());
        assertThat(small.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isTrue(); // d1 now most recent
        small.recordVerified(TENANT, DeviceId.of("d3"), HASH, "pw".toCharArray());
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.isVerified(TENANT, D2, HASH, "pw".toCharArray())).isFalse();
        assertThat(small.isVerified(TENANT, D1, HASH, "pw".toCharArray())).isTrue();
    }

    @Test
    void constructor_badLimits_areRefused() {
        assertThatThrownBy(() -> new CredentialCache(clock, Duration.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CredentialCache(clock, Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
