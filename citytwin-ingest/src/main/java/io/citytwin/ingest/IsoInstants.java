package io.citytwin.ingest;

import java.time.Instant;
import java.time.LocalDate;
import org.jspecify.annotations.Nullable;

/**
 * Strict, exception-free parsing of ISO 8601 dateTime strings (NGSI-LD clause 4.6.3 uses them for {@code
 * observedAt}): {@code yyyy-MM-ddTHH:mm[:ss[.f{1,9}]][Z|(+|-)HH[:]MM]}, taken as UTC without an offset; years
 * 0000..9999. Hand-written rather than {@code DateTimeFormatter} so that a bad device timestamp costs no exception.
 * (Same grammar as the query language's package-private {@code IsoTimes}.)
 */
final class IsoInstants {
    static final Instant MIN = Instant.ofEpochSecond(LocalDate.of(0, 1, 1).toEpochDay() * 86_400L);
    static final Instant MAX =
            Instant.ofEpochSecond(LocalDate.of(9999, 12, 31).toEpochDay() * 86_400L + 86_399L, 999_999_999L);

    private static final int[] DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private IsoInstants() {}

    private static int digits(String s, int i, int n, int end) {
        if (i + n > end) {
            return -1;
        }
        int v = 0;
        for (int k = i; k < i + n; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Parses the whole of {@code s} as a dateTime, or returns null. */
    static @Nullable Instant parse(String s) {
        int end = s.length();
        if (end < 16 || end > 40 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T') {
            return null;
        }
        int y = digits(s, 0, 4, end);
        int mo = digits(s, 5, 2, end);
        int d = digits(s, 8, 2, end);
        if (y < 0 || mo < 1 || mo > 12 || d < 1) {
            return null;
        }
        int len = DAYS[mo - 1];
        if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
            len = 29;
        }
        if (d > len) {
            return null;
        }
        int h = digits(s, 11, 2, end);
        if (h < 0 || h > 23 || s.charAt(13) != ':') {
            return null;
        }
        int mi = digits(s, 14, 2, end);
        if (mi < 0 || mi > 59) {
            return null;
        }
        int i = 16;
        int sec = 0;
        long nanos = 0;
        if (i < end && s.charAt(i) == ':') {
            sec = digits(s, i + 1, 2, end);
            if (sec < 0 || sec > 59) {
                return null;
            }
            i += 3;
            if (i < end && s.charAt(i) == '.') {
                int k = i + 1;
                int count = 0;
                while (k < end && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                    if (++count > 9) {
                        return null;
                    }
                    nanos = nanos * 10 + (s.charAt(k) - '0');
                    k++;
                }
                if (count == 0) {
                    return null;
                }
                for (int z = count; z < 9; z++) {
                    nanos *= 10;
                }
                i = k;
            }
        }
        long offset = 0;
        if (i < end) {
            char c = s.charAt(i);
            if (c == 'Z') {
                i++;
            } else if (c == '+' || c == '-') {
                int oh = digits(s, i + 1, 2, end);
                int k = i + 3;
                if (k < end && s.charAt(k) == ':') {
                    k++;
                }
                int om = digits(s, k, 2, end);
                if (oh < 0 || oh > 18 || om < 0 || om > 59) {
                    return null;
                }
                offset = (oh * 3600L + om * 60L) * (c == '-' ? -1 : 1);
                i = k + 2;
            }
        }
        if (i != end) {
            return null;
        }
        long seconds = LocalDate.of(y, mo, d).toEpochDay() * 86_400L + h * 3600L + mi * 60L + sec - offset;
        Instant t = Instant.ofEpochSecond(seconds, nanos);
        return t.isBefore(MIN) || t.isAfter(MAX) ? null : t;
    }

    /** The instant {@code millis} after the epoch, or null outside years 0000..9999. */
    static @Nullable Instant ofEpochMilli(long millis) {
        if (millis < MIN.toEpochMilli() || millis > MAX.toEpochMilli()) {
            return null;
        }
        return Instant.ofEpochMilli(millis);
    }
}
