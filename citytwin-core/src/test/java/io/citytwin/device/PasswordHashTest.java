package io.citytwin.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private static final int ITERATIONS = 1_000;

    @Test
    void create_thenMatchesSameSecret_isTrue() {
        PasswordHash hash = PasswordHash.create("correct horse".toCharArray(), ITERATIONS);
        assertThat(hash.matches("correct horse".toCharArray())).isTrue();
        assertThat(hash.iterations()).isEqualTo(ITERATIONS);
    }

    @Test
    void matches_wrongOrEmptySecret_isFalse() {
        PasswordHash hash = PasswordHash.create("correct horse".toCharArray(), ITERATIONS);
        assertThat(hash.matches("correct hors".toCharArray())).isFalse();
        assertThat(hash.matches("correct horse ".toCharArray())).isFalse();
        assertThat(hash.matches("Correct horse".toCharArray())).isFalse();
        assertThat(hash.matches(new char[0])).isFalse();
    }

    @Test
    void encoded_roundTripsThroughParse() {
        PasswordHash hash = PasswordHash.create("pässwörd-☃".toCharArray(), ITERATIONS);
        String encoded = hash.encoded();
        assertThat(encoded).startsWith("pbkdf2-sha256$1000$").doesNotContain("pässwörd");
        assertThat(encoded.split("\\$")).hasSize(4);
        PasswordHash parsed = PasswordHash.parse(encoded);
        assertThat(parsed).isEqualTo(hash).hasSameHashCodeAs(hash);
        assertThat(parsed.matches("pässwörd-☃".toCharArray())).isTrue();
        assertThat(parsed.matches("password-☃".toCharArray())).isFalse();
    }

    @Test
    void create_sameSecretTwice_usesDifferentSalts() {
        PasswordHash a = PasswordHash.create("same".toCharArray(), ITERATIONS);
        PasswordHash b = PasswordHash.create("same".toCharArray(), ITERATIONS);
        assertThat(a.encoded()).isNotEqualTo(b.encoded());
        assertThat(a).isNotEqualTo(b);
        assertThat(b.matches("same".toCharArray())).isTrue();
    }

    @Test
    void parse_tamperedHash_noLongerMatches() {
        PasswordHash hash = PasswordHash.create("secret".toCharArray(), ITERATIONS);
        String[] parts = hash.encoded().split("\\$");
        byte[] h = Base64.getDecoder().decode(parts[3]);
        h[0] ^= 1;
        String tamperedHash = parts[0] + "$" + parts[1] + "$" + parts[2] + "$"
                + Base64.getEncoder().withoutPadding().encodeToString(h);
        assertThat(PasswordHash.parse(tamperedHash).matches("secret".toCharArray()))
                .isFalse();
        String tamperedIterations = parts[0] + "$1001$" + parts[2] + "$" + parts[3];
        assertThat(PasswordHash.parse(tamperedIterations).matches("secret".toCharArray()))
                .isFalse();
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        salt[15] ^= (byte) 0x80;
        String tamperedSalt = parts[0] + "$" + parts[1] + "$"
                + Base64.getEncoder().withoutPadding().encodeToString(salt) + "$" + parts[3];
        assertThat(PasswordHash.parse(tamperedSalt).matches("secret".toCharArray()))
                .isFalse();
    }

    @Test
    void parse_malformedStrings_areRefusedWithoutEchoingThem() {
        String good = PasswordHash.create("secret".toCharArray(), ITERATIONS).encoded();
        String[] parts = good.split("\\$");
        String[] bad = {
            "",
            "plain-text-password",
            "bcrypt$10$abc$def",
            "pbkdf2-sha256$1000$" + parts[2],
            good + "$extra",
            "pbkdf2-sha256$abc$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$0$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$-5$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$99999999999$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$1000$!!!$" + parts[3],
            "pbkdf2-sha256$1000$" + parts[2] + "$" + parts[3].substring(4),
            "pbkdf2-sha256$1000$AAAA$" + parts[3],
        };
        for (String s : bad) {
            assertThatThrownBy(() -> PasswordHash.parse(s))
                    .as(s)
                    .isInstanceOf(TwinException.class)
                    .hasFieldOrPropertyWithValue("code", "device.hash-invalid")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(parts[3]));
        }
    }

    @Test
    void create_emptyOrHugeSecret_isBadRequest() {
        assertThatThrownBy(() -> PasswordHash.create(new char[0], ITERATIONS))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "device.secret-invalid");
        assertThatThrownBy(() -> PasswordHash.create(new char[PasswordHash.MAX_SECRET_LENGTH + 1], ITERATIONS))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "device.secret-invalid");
        assertThatThrownBy(() -> PasswordHash.create("x".toCharArray(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void create_unpairedSurrogate_isRefusedSoItCannotCollideWithQuestionMark() {
        assertThatThrownBy(() -> PasswordHash.create("a\uD800".toCharArray(), ITERATIONS))
                .isInstanceOf(TwinException.class)
                .hasFieldOrPropertyWithValue("code", "device.secret-invalid");
        PasswordHash question = PasswordHash.create("a?".toCharArray(), ITERATIONS);
        assertThat(question.matches("a\uD800".toCharArray())).isFalse();
        assertThat(question.matches("a\uDC00".toCharArray())).isFalse();
        PasswordHash emoji = PasswordHash.create("\uD83D\uDE00".toCharArray(), ITERATIONS);
        assertThat(emoji.matches("\uD83D\uDE00".toCharArray())).isTrue();
    }

    @Test
    void toString_showsNeitherHashNorSalt() {
        PasswordHash hash = PasswordHash.create("secret".toCharArray(), ITERATIONS);
        String[] parts = hash.encoded().split("\\$");
        assertThat(hash.toString())
                .isEqualTo("PasswordHash[pbkdf2-sha256, iterations=1000]")
                .doesNotContain(parts[2])
                .doesNotContain(parts[3]);
    }

    @Test
    void matches_leavesCallersSecretIntact() {
        char[] secret = "secret".toCharArray();
        PasswordHash hash = PasswordHash.create(secret, ITERATIONS);
        assertThat(hash.matches(secret)).isTrue();
        assertThat(secret).containsExactly('s', 'e', 'c', 'r', 'e', 't');
    }

    @Test
    void forToken_isOneSaltedRound_thatVerifiesAndSurvivesEncoding() {
        char[] token = "3f9a1c77d2e04b6aa5c1e8d90b7f2c11".toCharArray();
        PasswordHash hash = PasswordHash.forToken(token);
        assertThat(hash.iterations()).isEqualTo(PasswordHash.TOKEN_ITERATIONS);
        assertThat(PasswordHash.parse(hash.encoded()).matches(token)).isTrue();
        assertThat(hash.matches("3f9a1c77d2e04b6aa5c1e8d90b7f2c12".toCharArray()))
                .isFalse();
        assertThat(PasswordHash.forToken(token)).as("salted").isNotEqualTo(hash);
    }

    @Test
    void forToken_refusesShortTokens() {
        assertThatThrownBy(() -> PasswordHash.forToken("abc".toCharArray()))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("device.token-too-short"));
    }
}
