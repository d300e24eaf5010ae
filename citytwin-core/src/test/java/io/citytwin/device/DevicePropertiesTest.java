package io.citytwin.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.util.regex.Pattern;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class DevicePropertiesTest {
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");

    @Property(tries = 1000)
    void deviceId_isValid_agreesWithTheGrammar(@ForAll @StringLength(max = 140) String s) {
        assertThat(DeviceId.isValid(s)).isEqualTo(DEVICE_ID.matcher(s).matches());
    }

    @Property(tries = 200)
    void passwordHash_parseOfEncoded_matchesOnlyTheSecret(
            @ForAll @StringLength(min = 1, max = 64) String secret,
            @ForAll @StringLength(min = 1, max = 64) String other) {
        Assume.that(PasswordHash.isAcceptableSecret(secret.toCharArray()));
        Assume.that(PasswordHash.isAcceptableSecret(other.toCharArray()));
        PasswordHash hash = PasswordHash.create(secret.toCharArray(), 1);
        PasswordHash parsed = PasswordHash.parse(hash.encoded());
        assertThat(parsed).isEqualTo(hash);
        assertThat(parsed.matches(secret.toCharArray())).isTrue();
        assertThat(parsed.matches(other.toCharArray())).isEqualTo(secret.equals(other));
    }

    @Property(tries = 1000)
    void passwordHash_parseOfArbitraryText_failsWithHashInvalid(@ForAll String s) {
        assertThatThrownBy(() -> PasswordHash.parse(s))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "device.hash-invalid");
    }
}
