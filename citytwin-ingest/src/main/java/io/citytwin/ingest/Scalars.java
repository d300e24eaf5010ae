package io.citytwin.ingest;

import org.jspecify.annotations.Nullable;

/** Exception-free recognition of textual scalars, shared by the compact decoder and the mapping. */
final class Scalars {
    private Scalars() {}

    /**
     * The number {@code s} spells in JSON number grammar (RFC 8259 section 6): a {@code Long} when it has neither
     * fraction nor exponent and fits, else a finite {@code Double}; null when {@code s} is not such a number or
     * overflows a double.
     */
    static @Nullable Object number(String s) {
        int n = s.length();
        if (n == 0 || n > 400) {
            return null;
        }
        int i = 0;
        if (s.charAt(0) == '-') {
            i++;
        }
        int intStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits == 0 || (intDigits > 1 && s.charAt(intStart) == '0')) {
            return null;
        }
        boolean integral = true;
        if (i < n && s.charAt(i) == '.') {
            integral = false;
            int f = ++i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == f) {
                return null;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            integral = false;
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int e = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == e) {
                return null;
            }
        }
        if (i != n) {
            return null;
        }
        if (integral && intDigits <= 18) {
            // up to 18 digits always fit a long: no exception path
            long v = 0;
            for (int k = intStart; k < n; k++) {
                v = v * 10 + (s.charAt(k) - '0');
            }
            return intStart == 1 ? -v : v;
        }
        if (integral && intDigits == 19) {
            long v = 0;
            boolean overflow = false;
            boolean negative = intStart == 1;
            for (int k = intStart; k < n && !overflow; k++) {
                int d = s.charAt(k) - '0';
                // accumulate negatively so that Long.MIN_VALUE fits
                if (v < (Long.MIN_VALUE + d) / 10) {
                    overflow = true;
                } else {
                    v = v * 10 - d;
                }
            }
            if (!overflow && (negative || v != Long.MIN_VALUE)) {
                return negative ? v : -v;
            }
        }
        double d = Double.parseDouble(s);
        return Double.isFinite(d) ? (Object) d : null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
