package io.citytwin.twin;

import java.util.regex.Pattern;

/**
 * Regular-expression matching with a work budget, for patterns that come from clients ({@code q=a~=...},
 * {@code idPattern}).
 *
 * <p>Java's backtracking engine can take exponential time on patterns such as {@code (a+)+$} (ReDoS). The matcher
 * here reads its input through a {@link CharSequence} that counts character accesses; past the budget it aborts
 * the match with TooComplexQuery (403), so one hostile query costs a bounded amount of CPU instead of a core for
 * minutes. The budget is per match, generous for honest patterns: a million accesses is a few milliseconds.
 */
public final class BoundedRegex {
    /** Character accesses allowed for one match. */
    public static final int BUDGET = 1_000_000;

    private BoundedRegex() {}

    /** {@code pattern.matcher(input).find()} within the {@link #BUDGET}. */
    public static boolean find(Pattern pattern, String input) {
        return pattern.matcher(new Counting(input)).find();
    }

    private static final class Counting implements CharSequence {
        private final String s;
        private int remaining;

        Counting(String s) {
            this.s = s;
            this.remaining = BUDGET;
        }

        private Counting(String s, int remaining) {
            this.s = s;
            this.remaining = remaining;
        }

        @Override
        public char charAt(int index) {
            if (--remaining < 0) {
                throw new TwinException(
                        ErrorType.TOO_COMPLEX_QUERY,
                        "regex.too-complex",
                        "A regular expression of the query needs too much work to evaluate; simplify it");
            }
            return s.charAt(index);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counting(s.substring(start, end), remaining);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
