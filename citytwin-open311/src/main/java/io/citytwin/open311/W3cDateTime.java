package io.citytwin.open311;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates and times as GeoReport v2 writes them: the W3C profile of ISO 8601 (W3C NOTE-datetime, 1997), with a
 * timezone designator required on every time ("Z" or "+hh:mm"/"-hh:mm").
 *
 * <p>Accepted: {@code YYYY-MM-DDThh:mmTZD}, {@code YYYY-MM-DDThh:mm:ssTZD}, {@code YYYY-MM-DDThh:mm:ss.sTZD} (1 to 9
 * fraction digits), and the date-only profiles {@code YYYY}, {@code YYYY-MM}, {@code YYYY-MM-DD}, taken as the first
 * instant of that period in UTC. A time without a designator is refused (the spec: timezone information "must" be
 * included), as are out-of-range fields. A space where the offset sign stands is read as {@code +}: query strings
 * often carry an unescaped {@code +}, which form decoding turns into a space.
 */
public final class W3cDateTime {
    private static final Pattern FORMAT = Pattern.compile("(\\d{4})(?:-(\\d{2})(?:-(\\d{2})"
            + "(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?(Z|[+\\- ]\\d{2}:\\d{2}))?)?)?");

    private W3cDateTime() {}

    /**
     * The instant {@code text} denotes.
     *
     * @param field the parameter name, for the error message
     * @throws Open311Exception (400, {@code open311.date}) when {@code text} is not a W3C date-time
     */
    public static Instant parse(String field, String text) {
        String s = text.trim();
        Matcher m = FORMAT.matcher(s);
        if (s.length() > 40 || !m.matches()) {
            throw bad(field, text);
        }
        try {
            int year = Integer.parseInt(m.group(1));
            int month = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            int day = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
            if (m.group(4) == null) {
                return LocalDate.of(year, month, day)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
            }
            int hour = Integer.parseInt(m.group(4));
            int minute = Integer.parseInt(m.group(5));
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            int nanos = 0;
            if (m.group(7) != null) {
                String f = (m.group(7) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(f);
            }
            String tzd = m.group(8);
            ZoneOffset offset = tzd.equals("Z")
                    ? ZoneOffset.UTC
                    : ZoneOffset.of(
                            (tzd.charAt(0) == ' ' ? "+" : "") + (tzd.charAt(0) == ' ' ? tzd.substring(1) : tzd));
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset)
                    .toInstant();
        } catch (DateTimeException | NumberFormatException e) {
            throw bad(field, text);
        }
    }

    /**
     * {@code t} in the W3C format the spec's examples use, in UTC to the second ({@code 2010-01-01T00:00:00Z}): some
     * Open311 clients parse no fractions.
     */
    public static String format(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    private static Open311Exception bad(String field, String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return Open311Exception.badRequest(
                "open311.date",
                field + " must be a W3C date-time with a timezone, e.g. 2010-01-01T00:00:00Z, got '" + shown + "'");
    }
}
