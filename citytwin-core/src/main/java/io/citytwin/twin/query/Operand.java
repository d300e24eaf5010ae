package io.citytwin.twin.query;

import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The right-hand side of a comparison (clause 4.9): a single {@link Literal}, a {@link Range} {@code a..b}, a {@link
 * ValueList} {@code a,b,c} or, after {@code ~=} / {@code !~=}, a regular expression {@link Pattern}. Immutable and
 * thread-safe.
 */
public sealed interface Operand permits Operand.Literal, Operand.Range, Operand.ValueList, Operand.Pattern {

    /** Appends the canonical text of this operand. */
    void print(StringBuilder sb);

    /**
     * One value. The Java type fixes what was written: {@code String} (a quoted string), {@code Long} / {@code Double}
     * (a number; {@code Integer}, {@code Short}, {@code Byte} and {@code Float} are widened on construction), {@code
     * Boolean}, {@link Instant} (a dateTime), {@link LocalDate} (a date), {@link LocalTime} (a time) or {@link Uri} (an
     * unquoted URI).
     *
     * @param value the value; doubles must be finite, dates and dateTimes within years 0000..9999
     */
    record Literal(Object value) implements Operand {
        public Literal {
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                value = ((Number) value).longValue();
            } else if (value instanceof Float f) {
                value = f.doubleValue();
            }
            boolean ok =
                    switch (value) {
                        case String s -> true;
                        case Long l -> true;
                        case Double d -> Double.isFinite(d);
                        case Boolean b -> true;
                        case Instant t -> IsoTimes.inRange(t);
                        case LocalDate d -> d.getYear() >= 0 && d.getYear() <= 9999;
                        case LocalTime t -> true;
                        case Uri u -> true;
                        default -> false;
                    };
            if (!ok) {
                throw TwinException.badData("q.ast", "Not a q literal: " + value);
            }
        }

        /** Whether this literal may be used with an ordering operator or in a range (not a boolean, not a URI). */
        public boolean isComparable() {
            return !(value instanceof Boolean || value instanceof Uri);
        }

        @Override
        public void print(StringBuilder sb) {
            switch (value) {
                case String s -> {
                    sb.append('"');
                    for (int i = 0; i < s.length(); i++) {
                        char c = s.charAt(i);
                        if (c == '"' || c == '\\') {
                            sb.append('\\');
                        }
                        sb.append(c);
                    }
                    sb.append('"');
                }
                case LocalTime t -> sb.append(IsoTimes.formatTime(t));
                default -> sb.append(value);
            }
        }
    }

    /**
     * {@code from..to}, inclusive at both ends; only with {@code ==} / {@code !=}.
     *
     * @param from the lower bound, a comparable literal
     * @param to the upper bound, a comparable literal
     */
    record Range(Literal from, Literal to) implements Operand {
        public Range {
            if (!from.isComparable() || !to.isComparable()) {
                throw TwinException.badData("q.ast", "Range bounds must be numbers, strings, dates or times");
            }
        }

        @Override
        public void print(StringBuilder sb) {
            from.print(sb);
            sb.append("..");
            to.print(sb);
        }
    }

    /**
     * {@code a,b,c}: matches when the value equals any element; only with {@code ==} / {@code !=}.
     *
     * @param values at least two literals
     */
    record ValueList(List<Literal> values) implements Operand {
        public ValueList {
            values = List.copyOf(values);
            if (values.size() < 2) {
                throw TwinException.badData("q.ast", "A value list needs at least two values");
            }
        }

        @Override
        public void print(StringBuilder sb) {
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                values.get(i).print(sb);
            }
        }
    }

    /**
     * A {@code java.util.regex} regular expression, compiled once. Equality and hash code consider {@link #regex()}
     * only.
     *
     * <p>In q text the expression runs from just after {@code ~=} to the first {@code ;}, {@code |} or {@code )} that
     * is outside any regex group {@code (...)} and character class {@code [...]}, not escaped by a backslash and not
     * inside {@code \Q...\E} (every {@code \Q} needs its {@code \E}). So write alternation inside a group ({@code name~=(foo|bar)}) or escaped ({@code
     * name~=foo\|bar}). A regex that would not survive this rule (e.g. {@code a;b}) is rejected.
     *
     * @param regex the expression, non-empty
     * @param compiled {@code java.util.regex.Pattern.compile(regex)}, without flags (inline flags such as {@code (?i)}
     *     are part of the regex)
     */
    record Pattern(String regex, java.util.regex.Pattern compiled) implements Operand {
        public Pattern {
            // Followed by ')' the regex must end exactly where it ends: this rejects a regex that would swallow the
            // rest of the query (unbalanced group or class, trailing backslash); an unterminated \Q would pair with a
            // \E further on in the query text.
            if (regex.isEmpty()
                    || QueryParser.scanRegex(regex + ")", 0) != regex.length()
                    || QueryParser.hasUnterminatedQuote(regex)) {
                throw TwinException.badData(
                        "q.regex",
                        "The regular expression '" + regex + "' cannot be written in q: put ';', '|' and ')' inside"
                                + " a group or escape them");
            }
            if (!compiled.pattern().equals(regex)) {
                throw TwinException.badData("q.ast", "The compiled pattern differs from the regex");
            }
        }

        /**
         * Compiles {@code regex}.
         *
         * @throws TwinException BadRequestData {@code q.regex} when it is not a valid regular expression
         */
        public Pattern(String regex) {
            this(regex, compile(regex));
        }

        static java.util.regex.Pattern compile(String regex) {
            try {
                return java.util.regex.Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new TwinException(
                        io.citytwin.twin.ErrorType.BAD_REQUEST_DATA,
                        "q.regex",
                        "Invalid regular expression in q: " + e.getDescription() + " near index " + e.getIndex(),
                        e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pattern p && p.regex.equals(regex);
        }

        @Override
        public int hashCode() {
            return regex.hashCode();
        }

        @Override
        public String toString() {
            return "Pattern[" + regex + "]";
        }

        @Override
        public void print(StringBuilder sb) {
            sb.append(regex);
        }
    }
}
