package io.citytwin.history;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A non-negative ISO 8601 duration {@code PnYnMnWnDTnHnMnS}, as used by NGSI-LD for {@code aggrPeriodDuration}
 * (ETSI GS CIM 009 v1.8, clause 4.5.19: "P[n]Y[n]M[n]DT[n]H[n]M[n]S or P[n]W"; a zero duration such as {@code PT0S}
 * or {@code P0D} is valid).
 *
 * <p>The fields are kept as written (nominal), not normalised: {@code PT90M} has 90 minutes and is not equal to
 * {@code PT1H30M}. Years, months, weeks and days are calendar units applied in a time zone by {@link #addTo}; hours,
 * minutes and seconds are exact. {@link #seconds()} is a {@link BigDecimal} with at most 9 fraction digits (nanosecond
 * resolution), normalised so that numerically equal seconds are {@code equals}.
 *
 * <p>Grammar accepted by {@link #parse(String)} (strict, upper-case designators only):
 *
 * <pre>
 * duration := 'P' [n 'Y'] [n 'M'] [n 'W'] [n 'D'] ['T' [n 'H'] [n 'M'] [n 'S']]
 * n        := digit+ [('.' | ',') digit{1,9}]
 * </pre>
 *
 * with at least one part, at least one time part after {@code T}, each designator at most once and in this order,
 * and a decimal fraction on the last part only. {@code W} may be combined with other parts (ISO 8601-1:2019 allows it
 * only alone; accepting more is harmless and {@link #print()} writes it only when present). A fraction is not allowed
 * on years or months (they have no fixed length); a fraction of a week or a day is spread over the smaller units
 * counting a day as 24 hours ({@code P1.5D} is {@code P1DT12H}), a fraction of an hour or minute likewise
 * ({@code PT1.5H} is {@code PT1H30M}). Negative durations and the alternative format {@code PYYYY-MM-DDThh:mm:ss} are
 * refused.
 *
 * <p>Immutable and thread-safe.
 *
 * @param years calendar years, {@code >= 0}
 * @param months calendar months, {@code >= 0}
 * @param weeks weeks of 7 calendar days, {@code >= 0}
 * @param days calendar days, {@code >= 0}
 * @param hours exact hours, {@code >= 0}
 * @param minutes exact minutes, {@code >= 0}
 * @param seconds exact seconds, {@code >= 0}, at most 9 fraction digits
 */
public record IsoDuration(
        long years, long months, long weeks, long days, long hours, long minutes, BigDecimal seconds) {

    /**
     * The longest text {@link #parse(String)} looks at; longer input is refused before parsing. Long enough for the
     * {@link #print()} of every duration (at most 103 characters with {@link #MAX_PART}).
     */
    public static final int MAX_LENGTH = 128;

    /**
     * The largest value of any part (and of the whole seconds): 12 digits, far beyond the range of {@link Instant},
     * and small enough that every printed duration fits in {@link #MAX_LENGTH}.
     */
    public static final long MAX_PART = 999_999_999_999L;

    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(MAX_PART + 1);

    /** The zero duration, printed {@code PT0S}. */
    public static final IsoDuration ZERO = new IsoDuration(0, 0, 0, 0, 0, 0, BigDecimal.ZERO);

    private static final BigDecimal SECONDS_PER_WEEK = BigDecimal.valueOf(604_800);
    private static final BigDecimal SECONDS_PER_DAY = BigDecimal.valueOf(86_400);
    private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3_600);
    private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    /**
     * Validates and normalises the seconds.
     *
     * @throws TwinException BadRequestData {@code duration.range} for a negative part, a part above {@link
     *     #MAX_PART} or more than 9 fraction digits
     */
    public IsoDuration {
        Objects.requireNonNull(seconds, "seconds");
        if ((years | months | weeks | days | hours | minutes) < 0 || seconds.signum() < 0) {
            throw TwinException.badData("duration.range", "A duration cannot be negative");
        }
        if (Math.max(Math.max(Math.max(years, months), Math.max(weeks, days)), Math.max(hours, minutes)) > MAX_PART
                || seconds.compareTo(MAX_SECONDS) >= 0) {
            throw TwinException.badData("duration.range", "A duration part is larger than " + MAX_PART);
        }
        seconds = seconds.signum() == 0 ? BigDecimal.ZERO : seconds.stripTrailingZeros();
        if (seconds.scale() < 0) {
            seconds = seconds.setScale(0, RoundingMode.UNNECESSARY);
        }
        if (seconds.scale() > 9) {
            throw TwinException.badData("duration.range", "Duration seconds have more than 9 fraction digits");
        }
    }

    /**
     * Parses an ISO 8601 duration (grammar in the type comment). Never throws anything but the documented
     * {@link TwinException}, for any input.
     *
     * @throws TwinException BadRequestData {@code duration.syntax} naming what is wrong
     */
    public static IsoDuration parse(String text) {
        int n = text.length();
        if (n > MAX_LENGTH) {
            throw syntax(text, "longer than " + MAX_LENGTH + " characters");
        }
        if (n == 0 || text.charAt(0) != 'P') {
            throw syntax(text, "it must start with 'P'");
        }
        long[] parts = new long[6]; // Y, M, W, D, H, M
        BigDecimal seconds = BigDecimal.ZERO;
        int lastUnit = -1;
        boolean inTime = false;
        boolean fractionSeen = false;
        int i = 1;
        if (i == n) {
            throw syntax(text, "it has no parts");
        }
        while (i < n) {
            char c = text.charAt(i);
            if (fractionSeen) {
                throw syntax(text, "a decimal fraction is allowed on the last part only");
            }
            if (c == 'T') {
                if (inTime) {
                    throw syntax(text, "'T' appears twice");
                }
                inTime = true;
                i++;
                if (i == n) {
                    throw syntax(text, "'T' must be followed by hours, minutes or seconds");
                }
                continue;
            }
            int digitsStart = i;
            long whole = 0;
            while (i < n && isDigit(text.charAt(i))) {
                int d = text.charAt(i) - '0';
                if (whole > (MAX_PART - d) / 10) {
                    throw syntax(text, "a number is larger than " + MAX_PART);
                }
                whole = whole * 10 + d;
                i++;
            }
            if (i == digitsStart) {
                throw syntax(text, "expected a number at position " + i);
            }
            BigDecimal fraction = null;
            if (i < n && (text.charAt(i) == '.' || text.charAt(i) == ',')) {
                int fractionStart = ++i;
                while (i < n && isDigit(text.charAt(i))) {
                    i++;
                }
                if (i == fractionStart) {
                    throw syntax(text, "expected digits after the decimal separator");
                }
                if (i - fractionStart > 9) {
                    throw syntax(text, "more than 9 fraction digits");
                }
                fraction = new BigDecimal("0." + text.substring(fractionStart, i));
                fractionSeen = true;
            }
            if (i == n) {
                throw syntax(text, "a number must be followed by a designator");
            }
            char designator = text.charAt(i++);
            int unit = inTime ? timeUnit(designator) : dateUnit(designator);
            if (unit < 0) {
                throw syntax(
                        text,
                        "unexpected '" + printable(designator) + "' in the " + (inTime ? "time" : "date") + " part");
            }
            if (unit <= lastUnit) {
                throw syntax(text, "designators must appear once each, in the order Y M W D T H M S");
            }
            lastUnit = unit;
            if (unit == 6) {
                seconds = BigDecimal.valueOf(whole);
            } else {
                parts[unit] = whole;
            }
            if (fraction != null && fraction.signum() != 0) {
                if (unit <= 1) {
                    throw syntax(text, "a decimal fraction is not allowed on years or months");
                }
                seconds = spreadFraction(fraction, unit, parts, seconds);
            }
        }
        return new IsoDuration(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], seconds);
    }

    /**
     * Spreads the fraction of the last part (week, day, hour, minute or second) over the smaller units, which are
     * all still zero because the fractional part is the last one. Returns the new seconds.
     */
    private static BigDecimal spreadFraction(BigDecimal fraction, int unit, long[] parts, BigDecimal seconds) {
        BigDecimal rest =
                switch (unit) {
                    case 2 -> fraction.multiply(SECONDS_PER_WEEK);
                    case 3 -> fraction.multiply(SECONDS_PER_DAY);
                    case 4 -> fraction.multiply(SECONDS_PER_HOUR);
                    case 5 -> fraction.multiply(SECONDS_PER_MINUTE);
                    default -> fraction;
                };
        if (unit == 2) {
            BigDecimal[] qr = rest.divideAndRemainder(SECONDS_PER_DAY);
            parts[3] = qr[0].longValueExact();
            rest = qr[1];
        }
        if (unit <= 3) {
            BigDecimal[] qr = rest.divideAndRemainder(SECONDS_PER_HOUR);
            parts[4] = qr[0].longValueExact();
            rest = qr[1];
        }
        if (unit <= 4) {
            BigDecimal[] qr = rest.divideAndRemainder(SECONDS_PER_MINUTE);
            parts[5] = qr[0].longValueExact();
            rest = qr[1];
        }
        return seconds.add(rest);
    }

    private static int dateUnit(char c) {
        return switch (c) {
            case 'Y' -> 0;
            case 'M' -> 1;
            case 'W' -> 2;
            case 'D' -> 3;
            default -> -1;
        };
    }

    private static int timeUnit(char c) {
        return switch (c) {
            case 'H' -> 4;
            case 'M' -> 5;
            case 'S' -> 6;
            default -> -1;
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    private static TwinException syntax(String text, String what) {
        StringBuilder shown = new StringBuilder();
        int limit = Math.min(text.length(), MAX_LENGTH);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            shown.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : printable(c));
        }
        if (text.length() > limit) {
            shown.append("...");
        }
        return TwinException.badData("duration.syntax", "Invalid ISO 8601 duration '" + shown + "': " + what);
    }

    /**
     * The canonical text: zero parts omitted, designators in order, seconds in plain notation with {@code .} as
     * separator; the zero duration is {@code PT0S}. {@code parse(d.print()).equals(d)} holds for every duration.
     */
    public String print() {
        if (isZero()) {
            return "PT0S";
        }
        StringBuilder sb = new StringBuilder(24).append('P');
        append(sb, years, 'Y');
        append(sb, months, 'M');
        append(sb, weeks, 'W');
        append(sb, days, 'D');
        if (hours != 0 || minutes != 0 || seconds.signum() != 0) {
            sb.append('T');
            append(sb, hours, 'H');
            append(sb, minutes, 'M');
            if (seconds.signum() != 0) {
                sb.append(seconds.toPlainString()).append('S');
            }
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, long value, char designator) {
        if (value != 0) {
            sb.append(value).append(designator);
        }
    }

    @Override
    public String toString() {
        return print();
    }

    /** Whether every part is zero. NGSI-LD reads a zero {@code aggrPeriodDuration} as "the whole time range". */
    public boolean isZero() {
        return (years | months | weeks | days | hours | minutes) == 0 && seconds.signum() == 0;
    }

    /** Whether the duration has years or months, which have no fixed length. */
    public boolean hasYearsOrMonths() {
        return (years | months) != 0;
    }

    /**
     * This duration as an exact {@link Duration}, counting a week as 7 and a day as 24 hours (as
     * {@link Duration#parse} does).
     *
     * @throws TwinException BadRequestData {@code duration.calendar} if it has years or months, {@code
     *     duration.range} if it does not fit a {@link Duration}
     */
    public Duration toExactDurationOrThrow() {
        if (hasYearsOrMonths()) {
            throw TwinException.badData(
                    "duration.calendar",
                    "The duration " + print() + " has years or months, which have no fixed length");
        }
        try {
            return Duration.ofDays(Math.addExact(Math.multiplyExact(weeks, 7), days))
                    .plus(timePart());
        } catch (ArithmeticException e) {
            throw range(e);
        }
    }

    /** Same as {@link #addTo(Instant, ZoneId)} in UTC. */
    public Instant addTo(Instant t) {
        return addTimes(t, 1, ZoneOffset.UTC);
    }

    /**
     * Adds this duration to {@code t} the way {@link ZonedDateTime#plus} does: years and months together on the
     * local date in {@code zone} (the day of month is clamped, so 31 January plus {@code P1M} is the last day of
     * February), then weeks and days on the local date-time (keeping the wall-clock time across a DST change), then
     * hours, minutes and seconds as exact elapsed time.
     *
     * @throws TwinException BadRequestData {@code duration.range} if the result is outside the supported range
     */
    public Instant addTo(Instant t, ZoneId zone) {
        return addTimes(t, 1, zone);
    }

    /**
     * Adds {@code k} times this duration to {@code t} in one step (every part multiplied by {@code k}, as
     * {@link java.time.Period#multipliedBy}); {@code k = 1} is {@link #addTo(Instant, ZoneId)}. Anchoring bucket
     * {@code k} at {@code from + k * period} avoids the drift of repeated addition at month ends.
     */
    Instant addTimes(Instant t, long k, ZoneId zone) {
        if (k == 0) {
            return t;
        }
        try {
            long totalMonths = Math.multiplyExact(Math.addExact(Math.multiplyExact(years, 12), months), k);
            long totalDays = Math.multiplyExact(Math.addExact(Math.multiplyExact(weeks, 7), days), k);
            Instant r = t;
            if (totalMonths != 0 || totalDays != 0) {
                ZonedDateTime z = t.atZone(zone);
                if (totalMonths != 0) {
                    z = z.plusMonths(totalMonths);
                }
                if (totalDays != 0) {
                    z = z.plusDays(totalDays);
                }
                r = z.toInstant();
            }
            if ((hours | minutes) != 0 || seconds.signum() != 0) {
                r = r.plus(timePart().multipliedBy(k));
            }
            return r;
        } catch (DateTimeException | ArithmeticException e) {
            throw range(e);
        }
    }

    /** A rough length in seconds (a month as 1/12 of 365.2425 days), for estimates only. */
    double approxSeconds() {
        return (years * 12.0 + months) * 2_629_746.0
                + (weeks * 7.0 + days) * 86_400.0
                + hours * 3_600.0
                + minutes * 60.0
                + seconds.doubleValue();
    }

    private Duration timePart() {
        BigDecimal whole = seconds.setScale(0, RoundingMode.DOWN);
        long nanos = seconds.subtract(whole).multiply(NANOS_PER_SECOND).longValueExact();
        return Duration.ofHours(hours)
                .plus(Duration.ofMinutes(minutes))
                .plus(Duration.ofSeconds(whole.longValueExact(), nanos));
    }

    private TwinException range(RuntimeException cause) {
        return new TwinException(
                ErrorType.BAD_REQUEST_DATA,
                "duration.range",
                "The duration " + print() + " leads outside the supported time range",
                cause);
    }
}
