package io.citytwin.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoDurationTest {

    private static IsoDuration d(long y, long mo, long w, long d, long h, long mi, String s) {
        return new IsoDuration(y, mo, w, d, h, mi, new BigDecimal(s));
    }

    @Test
    void parse_allParts_keepsEachAsWritten() {
        assertThat(IsoDuration.parse("P3Y6M4DT12H30M5S")).isEqualTo(d(3, 6, 0, 4, 12, 30, "5"));
        assertThat(IsoDuration.parse("P1Y2M3W4DT5H6M7.5S")).isEqualTo(d(1, 2, 3, 4, 5, 6, "7.5"));
    }

    @Test
    void parse_singleParts_giveThatPart() {
        assertThat(IsoDuration.parse("P1Y")).isEqualTo(d(1, 0, 0, 0, 0, 0, "0"));
        assertThat(IsoDuration.parse("P1M")).isEqualTo(d(0, 1, 0, 0, 0, 0, "0"));
        assertThat(IsoDuration.parse("P1W")).isEqualTo(d(0, 0, 1, 0, 0, 0, "0"));
        assertThat(IsoDuration.parse("P1D")).isEqualTo(d(0, 0, 0, 1, 0, 0, "0"));
        assertThat(IsoDuration.parse("PT1H")).isEqualTo(d(0, 0, 0, 0, 1, 0, "0"));
        assertThat(IsoDuration.parse("PT1M")).isEqualTo(d(0, 0, 0, 0, 0, 1, "0"));
        assertThat(IsoDuration.parse("PT1S")).isEqualTo(d(0, 0, 0, 0, 0, 0, "1"));
    }

    @Test
    void parse_monthVersusMinute_dependsOnTheTimeDesignator() {
        assertThat(IsoDuration.parse("P1MT1M")).isEqualTo(d(0, 1, 0, 0, 0, 1, "0"));
    }

    @Test
    void parse_zero_isValidAndZero() {
        assertThat(IsoDuration.parse("PT0S").isZero()).isTrue();
        assertThat(IsoDuration.parse("P0D")).isEqualTo(IsoDuration.ZERO);
        assertThat(IsoDuration.ZERO.print()).isEqualTo("PT0S");
    }

    @Test
    void parse_fractionalSeconds_withDotOrComma() {
        assertThat(IsoDuration.parse("PT0.5S").seconds()).isEqualByComparingTo("0.5");
        assertThat(IsoDuration.parse("PT0,5S")).isEqualTo(IsoDuration.parse("PT0.5S"));
        assertThat(IsoDuration.parse("PT1.000000001S").seconds()).isEqualByComparingTo("1.000000001");
        assertThat(IsoDuration.parse("PT1.50S")).isEqualTo(IsoDuration.parse("PT1.5S"));
        assertThat(IsoDuration.parse("PT1.0S")).isEqualTo(IsoDuration.parse("PT1S"));
    }

    @Test
    void parse_fractionOnLargerUnits_isSpreadOverSmallerOnes() {
        assertThat(IsoDuration.parse("PT1.5H")).isEqualTo(IsoDuration.parse("PT1H30M"));
        assertThat(IsoDuration.parse("PT0.5M")).isEqualTo(IsoDuration.parse("PT30S"));
        assertThat(IsoDuration.parse("P1.5D")).isEqualTo(IsoDuration.parse("P1DT12H"));
        assertThat(IsoDuration.parse("P0.5W")).isEqualTo(IsoDuration.parse("P3DT12H"));
        assertThat(IsoDuration.parse("PT0.001H")).isEqualTo(IsoDuration.parse("PT3.6S"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "P",
                "PT",
                "T1H",
                "1D",
                "p1D",
                "P1d",
                "-P1D",
                "P-1D",
                "P1DT",
                "PT1D",
                "P1H",
                "P1S",
                "PT1Y",
                "P1M1Y",
                "PT1S1M",
                "P1D1D",
                "PT1H1H",
                "P1DT1HT1M",
                "P1.5DT1H",
                "PT1.5H30M",
                "P1.5Y",
                "P0.5M",
                "P.5D",
                "P1.D",
                "PT1.0000000001S",
                "P1",
                "PD",
                "P 1D",
                "P1D ",
                " P1D",
                "P1,5",
                "P2024-01-01T00:00:00",
                "P99999999999999999999D",
                "PT1S\u0000",
                "P1W1W",
                "P1DT1H30"
            })
    void parse_invalid_throwsBadRequestDataWithSyntaxCode(String text) {
        assertThatThrownBy(() -> IsoDuration.parse(text)).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
            assertThat(e.code()).isEqualTo("duration.syntax");
            assertThat(e.detail()).startsWith("Invalid ISO 8601 duration '");
        });
    }

    @Test
    void parse_tooLong_isRefusedBeforeParsing() {
        String text = "P" + "0".repeat(130) + "1D";
        assertThatThrownBy(() -> IsoDuration.parse(text))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("longer than 128");
    }

    @Test
    void parse_errorMessage_saysWhatIsWrong() {
        assertThatThrownBy(() -> IsoDuration.parse("PT"))
                .hasMessage("Invalid ISO 8601 duration 'PT': 'T' must be followed by hours, minutes or seconds");
        assertThatThrownBy(() -> IsoDuration.parse("PT1.5H30M"))
                .hasMessageContaining("a decimal fraction is allowed on the last part only");
    }

    @Test
    void print_isCanonical() {
        assertThat(IsoDuration.parse("P0Y1M0DT0H").print()).isEqualTo("P1M");
        assertThat(IsoDuration.parse("PT90M").print()).isEqualTo("PT90M");
        assertThat(IsoDuration.parse("P1WT0,250S").print()).isEqualTo("P1WT0.25S");
        assertThat(IsoDuration.parse("PT100S").print()).isEqualTo("PT100S");
        assertThat(new IsoDuration(0, 0, 0, 0, 0, 0, new BigDecimal("1E+2")).print())
                .isEqualTo("PT100S");
    }

    @Test
    void parse_largestPart_isAcceptedAndOneMoreIsRefused() {
        assertThat(IsoDuration.parse("P999999999999D").days()).isEqualTo(IsoDuration.MAX_PART);
        assertThat(IsoDuration.parse("PT999999999999.999999999S").print()).isEqualTo("PT999999999999.999999999S");
        assertThatThrownBy(() -> IsoDuration.parse("P1000000000000D"))
                .hasMessageContaining("a number is larger than 999999999999");
    }

    @Test
    void print_largestDuration_fitsTheParseLimit() {
        long m = IsoDuration.MAX_PART;
        IsoDuration max = new IsoDuration(m, m, m, m, m, m, new BigDecimal("999999999999.999999999"));
        assertThat(max.print().length()).isLessThanOrEqualTo(IsoDuration.MAX_LENGTH);
        assertThat(IsoDuration.parse(max.print())).isEqualTo(max);
    }

    @Test
    void constructor_negativeOrTooLargePart_isRefused() {
        assertThatThrownBy(() -> d(0, 0, 0, IsoDuration.MAX_PART + 1, 0, 0, "0"))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> d(0, 0, 0, -1, 0, 0, "0"))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("duration.range"));
        assertThatThrownBy(() -> d(0, 0, 0, 0, 0, 0, "-0.1")).isInstanceOf(TwinException.class);
    }

    @Test
    void addTo_monthFromJanuary31_clampsToEndOfFebruary() {
        Instant jan31 = Instant.parse("2023-01-31T10:00:00Z");
        assertThat(IsoDuration.parse("P1M").addTo(jan31)).isEqualTo(Instant.parse("2023-02-28T10:00:00Z"));
        assertThat(IsoDuration.parse("P1M").addTo(Instant.parse("2024-01-31T10:00:00Z")))
                .isEqualTo(Instant.parse("2024-02-29T10:00:00Z"));
        assertThat(IsoDuration.parse("P2M").addTo(jan31)).isEqualTo(Instant.parse("2023-03-31T10:00:00Z"));
        assertThat(IsoDuration.parse("P1Y").addTo(Instant.parse("2024-02-29T00:00:00Z")))
                .isEqualTo(Instant.parse("2025-02-28T00:00:00Z"));
    }

    @Test
    void addTo_dayAcrossSpringForward_keepsWallClockTime() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant before =
                ZonedDateTime.parse("2024-03-30T12:00:00+01:00[Europe/Berlin]").toInstant();
        Instant plusDay = IsoDuration.parse("P1D").addTo(before, berlin);
        assertThat(plusDay.atZone(berlin).toLocalDateTime().toString()).isEqualTo("2024-03-31T12:00");
        assertThat(Duration.between(before, plusDay)).isEqualTo(Duration.ofHours(23));
        Instant plus24h = IsoDuration.parse("PT24H").addTo(before, berlin);
        assertThat(plus24h.atZone(berlin).toLocalDateTime().toString()).isEqualTo("2024-03-31T13:00");
    }

    @Test
    void addTo_dayAcrossFallBack_is25Hours() {
        ZoneId newYork = ZoneId.of("America/New_York");
        Instant before = ZonedDateTime.parse("2024-11-02T12:00:00-04:00[America/New_York]")
                .toInstant();
        Instant plusDay = IsoDuration.parse("P1D").addTo(before, newYork);
        assertThat(Duration.between(before, plusDay)).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void addTo_utcDefault_daysAreExact() {
        Instant t = Instant.parse("2024-03-30T12:00:00Z");
        assertThat(IsoDuration.parse("P1DT1.5S").addTo(t)).isEqualTo(t.plus(Duration.ofSeconds(86_401, 500_000_000)));
    }

    @Test
    void addTo_outOfRange_throwsBadRequestData() {
        IsoDuration huge = IsoDuration.parse("P999999999999Y");
        assertThatThrownBy(() -> huge.addTo(Instant.EPOCH))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("duration.range"));
    }

    @Test
    void toExactDuration_withoutMonths_countsDaysAs24Hours() {
        assertThat(IsoDuration.parse("P1W1DT1H1M1.5S").toExactDurationOrThrow())
                .isEqualTo(Duration.ofDays(8).plusHours(1).plusMinutes(1).plusMillis(1500));
        assertThat(IsoDuration.ZERO.toExactDurationOrThrow()).isEqualTo(Duration.ZERO);
    }

    @Test
    void toExactDuration_withMonths_throws() {
        assertThatThrownBy(() -> IsoDuration.parse("P1M").toExactDurationOrThrow())
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("duration.calendar"));
    }

    // --- properties ---

    @Property(tries = 1000)
    void printThenParse_givesTheSameDuration(@ForAll("durations") IsoDuration d) {
        assertThat(IsoDuration.parse(d.print())).as(d.print()).isEqualTo(d);
    }

    @Property(tries = 500)
    void print_agreesWithJavaTimeForExactDurations(@ForAll("exactDurations") IsoDuration d) {
        assertThat(Duration.parse(exactText(d))).isEqualTo(d.toExactDurationOrThrow());
    }

    private static String exactText(IsoDuration d) {
        // java.time.Duration.parse knows days but not weeks
        IsoDuration asDays = new IsoDuration(0, 0, 0, d.weeks() * 7 + d.days(), d.hours(), d.minutes(), d.seconds());
        return asDays.print();
    }

    @Property(tries = 1000)
    void parse_anyString_returnsDurationOrBadRequestData(@ForAll String s) {
        assertParsesOrRejects(s);
    }

    @Property(tries = 1000)
    void parse_durationAlphabetString_returnsDurationOrBadRequestData(@ForAll("durationLike") String s) {
        assertParsesOrRejects(s);
    }

    private static void assertParsesOrRejects(String s) {
        try {
            IsoDuration d = IsoDuration.parse(s);
            assertThat(IsoDuration.parse(d.print())).isEqualTo(d);
        } catch (TwinException e) {
            assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
            assertThat(e.code()).isEqualTo("duration.syntax");
        }
    }

    @Provide
    Arbitrary<String> durationLike() {
        return Arbitraries.strings().withChars("PTYMWDHS0123456789.,-+ ").ofMaxLength(20);
    }

    @Provide
    Arbitrary<IsoDuration> durations() {
        Arbitrary<Long> part = Arbitraries.oneOf(
                Arbitraries.just(0L),
                Arbitraries.longs().between(0, 100),
                Arbitraries.longs().between(0, IsoDuration.MAX_PART));
        Arbitrary<BigDecimal> seconds = Arbitraries.oneOf(
                Arbitraries.just(BigDecimal.ZERO),
                Arbitraries.bigDecimals()
                        .between(BigDecimal.ZERO, new BigDecimal("1000000"))
                        .ofScale(9),
                Arbitraries.longs().between(0, 100_000).map(BigDecimal::valueOf));
        return Combinators.combine(part, part, part, part, part, part, seconds).as(IsoDuration::new);
    }

    @Provide
    Arbitrary<IsoDuration> exactDurations() {
        Arbitrary<Long> part = Arbitraries.longs().between(0, 1000);
        Arbitrary<BigDecimal> seconds = Arbitraries.bigDecimals()
                .between(BigDecimal.ZERO, new BigDecimal("100000"))
                .ofScale(9);
        return Combinators.combine(part, part, part, part, seconds)
                .as((w, d, h, m, s) -> new IsoDuration(0, 0, w, d, h, m, s));
    }
}
