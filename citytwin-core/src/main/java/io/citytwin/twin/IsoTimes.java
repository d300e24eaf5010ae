package io.citytwin.twin;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import org.jspecify.annotations.Nullable;

/**
 * Strict, exception-free parsing and canonical printing of the ISO 8601 forms the query language knows (clause 4.9:
 * {@code dateTime}, {@code date}, {@code time}). Hand-written rather than {@code DateTimeFormatter} so that evaluation
 * can test string values without throwing and catching exceptions on the hot path.
 *
 * <ul>
 *   <li>dateTime: {@code yyyy-MM-ddTHH:mm[:ss[.f{1,9}]][Z|(+|-)HH[:]MM]}; without an offset it is taken as UTC;
 *   <li>date: {@code yyyy-MM-dd};
 *   <li>time: {@code HH:mm:ss[.f{1,9}][Z]}.
 * </ul>
 *
 * Years are limited to 0000..9999 so that every value prints in the same four-digit form.
 */
public final class IsoTimes {
    public static final Instant MIN =
            Instant.ofEpochSecond(LocalDate.of(0, 1, 1).toEpochDay() * 86_400L);
    public static final Instant MAX =
            Instant.ofEpochSecond(LocalDate.of(9999, 12, 31).toEpochDay() * 86_400L + 86_399L, 999_999_999L);

    private static final int[] DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private IsoTimes() {}

    /** {@code n} decimal digits at {@code i} as a number, or -1. */
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

    private static boolean validDate(int y, int m, int d) {
        if (y < 0 || m < 1 || m > 12 || d < 1) {
            return false;
        }
        int len = DAYS[m - 1];
        if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
            len = 29;
        }
        return d <= len;
    }

    /** Parses a date in {@code s[from, end)} exactly, or returns null. */
    public static @Nullable LocalDate parseDate(String s, int from, int end) {
        if (end - from != 10 || s.charAt(from + 4) != '-' || s.charAt(from + 7) != '-') {
            return null;
        }
        int y = digits(s, from, 4, end);
        int m = digits(s, from + 5, 2, end);
        int d = digits(s, from + 8, 2, end);
        return validDate(y, m, d) ? LocalDate.of(y, m, d) : null;
    }

    /**
     * Parses {@code HH:mm[:ss[.f]]} at {@code from}; returns {nanoOfDay, endIndex} in {@code out} or false. Seconds are
     * required when {@code needSeconds}.
     */
    private static boolean parseClock(String s, int from, int end, boolean needSeconds, long[] out) {
        int h = digits(s, from, 2, end);
        if (h < 0 || h > 23 || from + 2 >= end || s.charAt(from + 2) != ':') {
            return false;
        }
        int mi = digits(s, from + 3, 2, end);
        if (mi < 0 || mi > 59) {
            return false;
        }
        int i = from + 5;
        int sec = 0;
        long nanos = 0;
        if (i < end && s.charAt(i) == ':') {
            sec = digits(s, i + 1, 2, end);
            if (sec < 0 || sec > 59) {
                return false;
            }
            i += 3;
            if (i < end && s.charAt(i) == '.') {
                int k = i + 1;
                int count = 0;
                while (k < end && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                    if (++count > 9) {
                        return false;
                    }
                    nanos = nanos * 10 + (s.charAt(k) - '0');
                    k++;
                }
                if (count == 0) {
                    return false;
                }
                for (int z = count; z < 9; z++) {
                    nanos *= 10;
                }
                i = k;
            }
        } else if (needSeconds) {
            return false;
        }
        out[0] = (h * 3600L + mi * 60L + sec) * 1_000_000_000L + nanos;
        out[1] = i;
        return true;
    }

    /** Parses a time in {@code s[from, end)} exactly, or returns null. */
    public static @Nullable LocalTime parseTime(String s, int from, int end) {
        long[] out = new long[2];
        if (!parseClock(s, from, end, true, out)) {
            return null;
        }
        int i = (int) out[1];
        if (i < end && s.charAt(i) == 'Z') {
            i++;
        }
        return i == end ? LocalTime.ofNanoOfDay(out[0]) : null;
    }

    /** Parses a dateTime in {@code s[from, end)} exactly, or returns null (also when outside years 0000..9999). */
    public static @Nullable Instant parseDateTime(String s, int from, int end) {
        if (end - from < 16 || s.charAt(from + 10) != 'T') {
            return null;
        }
        LocalDate date = parseDate(s, from, from + 10);
        if (date == null) {
            return null;
        }
        long[] out = new long[2];
        if (!parseClock(s, from + 11, end, false, out)) {
            return null;
        }
        int i = (int) out[1];
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
        long nanoOfDay = out[0];
        long seconds = date.toEpochDay() * 86_400L + nanoOfDay / 1_000_000_000L - offset;
        Instant t = Instant.ofEpochSecond(seconds, nanoOfDay % 1_000_000_000L);
        return t.isBefore(MIN) || t.isAfter(MAX) ? null : t;
    }

    /** Parses a whole string as a dateTime, or returns null; used on string attribute values. */
    public static @Nullable Instant parseDateTime(String s) {
        return s.length() < 16 || s.length() > 40 ? null : parseDateTime(s, 0, s.length());
    }

    /** The instant {@code millis} after the epoch, or null outside years 0000..9999. */
    public static @Nullable Instant ofEpochMilli(long millis) {
        if (millis < MIN.toEpochMilli() || millis > MAX.toEpochMilli()) {
            return null;
        }
        return Instant.ofEpochMilli(millis);
    }

    public static boolean inRange(Instant t) {
        return !t.isBefore(MIN) && !t.isAfter(MAX);
    }

    /** {@code HH:mm:ss} plus the fraction without trailing zeros, if any. */
    public static String formatTime(LocalTime t) {
        StringBuilder sb = new StringBuilder(18);
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond());
        int nano = t.getNano();
        if (nano != 0) {
            String f = Integer.toString(1_000_000_000 + nano).substring(1);
            int len = f.length();
            while (f.charAt(len - 1) == '0') {
                len--;
            }
            sb.append('.').append(f, 0, len);
        }
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        if (v < 10) {
            sb.append('0');
        }
        return sb.append(v);
    }
}
