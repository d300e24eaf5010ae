package io.citytwin.open311;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** W3C date-times (W3C NOTE-datetime as GeoReport v2 requires): every profile with a zone parses to its instant. */
class W3cDateTimeProperties {
    private static final long MIN = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX = Instant.parse("9999-12-30T00:00:00Z").getEpochSecond();

    @Property(tries = 1000)
    void anyInstantAndOffset_roundTrips(
            @ForAll @LongRange(min = -30610224000L, max = 253402041600L) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
            @ForAll("offsets") ZoneOffset offset,
            @ForAll @IntRange(min = 0, max = 9) int fractionDigits,
            @ForAll boolean withSeconds) {
        Instant t = Instant.ofEpochSecond(Math.max(MIN, Math.min(MAX, seconds)), nanos);
        OffsetDateTime local = t.atOffset(offset);
        String pattern = withSeconds
                ? "uuuu-MM-dd'T'HH:mm:ss" + (fractionDigits == 0 ? "" : "." + "S".repeat(fractionDigits))
                : "uuuu-MM-dd'T'HH:mm";
        String zone = offset.equals(ZoneOffset.UTC) ? "Z" : offset.getId();
        String text = local.format(DateTimeFormatter.ofPattern(pattern)) + zone;
        Instant expected = withSeconds
                ? truncate(t, fractionDigits)
                : t.atOffset(offset).truncatedTo(ChronoUnit.MINUTES).toInstant();
        assertThat(W3cDateTime.parse("t", text)).as(text).isEqualTo(expected);
    }

    @Property(tries = 500)
    void format_parsesBack(
            @ForAll @LongRange(min = -30610224000L, max = 253402041600L) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        Instant t = Instant.ofEpochSecond(seconds, nanos);
        String text = W3cDateTime.format(t);
        assertThat(text).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
        assertThat(W3cDateTime.parse("t", text)).isEqualTo(t.truncatedTo(ChronoUnit.SECONDS));
    }

    @Property(tries = 500)
    void timesWithoutZone_areRefused(@ForAll @LongRange(min = -30610224000L, max = 253402041600L) long seconds) {
        String text = Instant.ofEpochSecond(seconds)
                .atOffset(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"));
        assertThatThrownBy(() -> W3cDateTime.parse("t", text)).isInstanceOf(Open311Exception.class);
    }

    @Property(tries = 1000)
    void anyText_parsesOrIsRefusedWith400(@ForAll("dateish") String text) {
        try {
            W3cDateTime.parse("start_date", text);
        } catch (Open311Exception e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.detail()).contains("start_date");
        }
    }

    @Example
    void theSpecsExamples_denoteTheSameInstant() {
        assertThat(W3cDateTime.parse("t", "1994-11-05T08:15:30-05:00"))
                .isEqualTo(W3cDateTime.parse("t", "1994-11-05T13:15:30Z"))
                .isEqualTo(Instant.parse("1994-11-05T13:15:30Z"));
    }

    @Example
    void dateProfiles_areTheStartOfThePeriodInUtc() {
        assertThat(W3cDateTime.parse("t", "2010")).isEqualTo(Instant.parse("2010-01-01T00:00:00Z"));
        assertThat(W3cDateTime.parse("t", "2010-05")).isEqualTo(Instant.parse("2010-05-01T00:00:00Z"));
        assertThat(W3cDateTime.parse("t", "2010-05-24")).isEqualTo(Instant.parse("2010-05-24T00:00:00Z"));
    }

    @Example
    void anUnescapedPlus_decodedToASpace_isReadAsPlus() {
        assertThat(W3cDateTime.parse("t", "2010-01-01T01:00:00 01:00"))
                .isEqualTo(Instant.parse("2010-01-01T00:00:00Z"));
    }

    @Example
    void outOfRangeFields_areRefused() {
        for (String bad : List.of(
                "2010-13-01",
                "2010-02-30",
                "2010-01-01T24:00:00Z",
                "2010-01-01T10:60Z",
                "2010-01-01T10:00:00+19:00",
                "2010-01-01T10:00:00.Z",
                "2010-01-01 10:00:00Z",
                "")) {
            assertThatThrownBy(() -> W3cDateTime.parse("t", bad)).as(bad).isInstanceOf(Open311Exception.class);
        }
    }

    @Provide
    Arbitrary<ZoneOffset> offsets() {
        return Arbitraries.integers().between(-18 * 60, 18 * 60).map(m -> ZoneOffset.ofTotalSeconds(m * 60));
    }

    @Provide
    Arbitrary<String> dateish() {
        return Arbitraries.strings().withChars("0123456789-:T.Z+ x").ofMaxLength(32);
    }

    private static Instant truncate(Instant t, int digits) {
        long unit = (long) Math.pow(10, 9 - digits);
        return Instant.ofEpochSecond(t.getEpochSecond(), t.getNano() / unit * unit);
    }
}
