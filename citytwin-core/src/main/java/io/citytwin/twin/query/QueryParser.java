package io.citytwin.twin.query;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Parser of the NGSI-LD query language {@code q} (ETSI GS CIM 009 v1.8, clause 4.9). Stateless entry point {@link
 * #parse}; thread-safe.
 *
 * <pre>
 * query      = and *( "|" and )                 ; ";" binds tighter than "|"
 * and        = primary *( ";" primary )
 * primary    = "(" query ")" / "!" path / path [ op operand ]
 * path       = name *( "." name ) *( "[" key "]" )
 * op         = "==" / "!=" / ">=" / ">" / "<=" / "<" / "~=" / "!~="
 * operand    = value [ ".." value / 1*( "," value ) ]   ; range and list only after == and !=
 *            / regex                                      ; after ~= and !~=
 * value      = quoted-string / number / "true" / "false" / dateTime / date / time / uri
 * </pre>
 *
 * <p>Choices where the standard leaves room, all fixed so that every AST prints and parses back to itself:
 *
 * <ul>
 *   <li><b>No whitespace</b> outside quoted strings (the grammar has none). URL-decoding is the HTTP layer's job.
 *   <li><b>Names</b>: compact names use {@code A-Z a-z 0-9 _ : / # -}; a full IRI is recognised by {@code scheme://}
 *       and may contain dots (see {@link Names} for when a dot after an IRI starts a sub-attribute). Keys in {@code
 *       [...]} are any characters but brackets and control characters.
 *   <li><b>Strings</b>: {@code "..."} with {@code \"} and {@code \\} escapes; any other backslash is kept as is.
 *   <li><b>Numbers</b>: {@code -?digits[.digits][(e|E)[+-]digits]}; integral ones that fit are {@code Long}, others
 *       {@code Double}.
 *   <li><b>dateTime / date / time</b>: see {@link IsoTimes}; a dateTime without offset is UTC.
 *   <li><b>URIs</b>: an unquoted operand starting with a letter, other than {@code true}/{@code false}, must be a URI
 *       ({@code scheme:rest}); it ends at {@code ; | ( ) ,} and cannot be a range bound. Unquoted plain words are an
 *       error (quote strings).
 *   <li><b>Regex</b> after {@code ~=}: the rest of the term up to the first {@code ;}, {@code |} or {@code )} outside
 *       regex groups and character classes and not backslash-escaped (see {@link Operand.Pattern}); compiled with
 *       {@code java.util.regex}, no flags ({@code (?i)} works inline).
 *   <li><b>Limits</b>: at most {@value #MAX_LENGTH} characters ({@code q.too-long}), parentheses nested at most
 *       {@value #MAX_DEPTH} deep ({@code q.too-deep}).
 * </ul>
 *
 * <p>Every failure is a {@link TwinException} of type {@link ErrorType#BAD_REQUEST_DATA}: code {@code q.syntax} with
 * the detail {@code Invalid q at position N: expected ...} (N is the 0-based character offset), or {@code q.regex},
 * {@code q.too-long}, {@code q.too-deep}.
 */
public final class QueryParser {
    /** The longest accepted query, in characters. */
    public static final int MAX_LENGTH = 4096;
    /** The deepest accepted nesting of parentheses. */
    public static final int MAX_DEPTH = 32;

    private final String s;
    private final int n;
    private int pos;
    private int depth;

    private QueryParser(String s) {
        this.s = s;
        this.n = s.length();
    }

    /**
     * Parses {@code q}.
     *
     * @param q the query text, already URL-decoded
     * @return the query
     * @throws TwinException BadRequestData ({@code q.syntax}, {@code q.regex}, {@code q.too-long}, {@code q.too-deep})
     */
    public static Query parse(String q) {
        if (q == null) {
            throw new TwinException(ErrorType.BAD_REQUEST_DATA, "q.syntax", "Invalid q at position 0: no query");
        }
        if (q.length() > MAX_LENGTH) {
            throw new TwinException(
                    ErrorType.BAD_REQUEST_DATA,
                    "q.too-long",
                    "q is " + q.length() + " characters long; at most " + MAX_LENGTH + " are accepted");
        }
        QueryParser p = new QueryParser(q);
        Query result = p.parseOr();
        if (p.pos < p.n) {
            throw p.error(p.peek() == ')' ? "no ')' without a matching '('" : "';', '|' or the end of the query");
        }
        return result;
    }

    private char peek() {
        return pos < n ? s.charAt(pos) : '\0';
    }

    private TwinException error(String expected) {
        return error(pos, expected);
    }

    private static TwinException error(int at, String expected) {
        return new TwinException(
                ErrorType.BAD_REQUEST_DATA, "q.syntax", "Invalid q at position " + at + ": expected " + expected);
    }

    private Query parseOr() {
        Query first = parseAnd();
        if (peek() != '|' || pos >= n) {
            return first;
        }
        ArrayList<Query> terms = new ArrayList<>();
        terms.add(first);
        while (pos < n && s.charAt(pos) == '|') {
            pos++;
            terms.add(parseAnd());
        }
        return new Query.Or(terms);
    }

    private Query parseAnd() {
        Query first = parsePrimary();
        if (pos >= n || s.charAt(pos) != ';') {
            return first;
        }
        ArrayList<Query> terms = new ArrayList<>();
        terms.add(first);
        while (pos < n && s.charAt(pos) == ';') {
            pos++;
            terms.add(parsePrimary());
        }
        return new Query.And(terms);
    }

    private Query parsePrimary() {
        if (pos < n && s.charAt(pos) == '(') {
            if (depth >= MAX_DEPTH) {
                throw new TwinException(
                        ErrorType.BAD_REQUEST_DATA,
                        "q.too-deep",
                        "Invalid q at position " + pos + ": parentheses nested deeper than " + MAX_DEPTH);
            }
            depth++;
            pos++;
            Query inner = parseOr();
            if (pos >= n || s.charAt(pos) != ')') {
                throw error("';', '|' or ')'");
            }
            pos++;
            depth--;
            return inner;
        }
        if (pos < n && s.charAt(pos) == '!') {
            pos++;
            AttrPath path = parsePath();
            expectTermEnd("';', '|', ')' or the end of the query after !attribute");
            return new Query.NotExists(path);
        }
        AttrPath path = parsePath();
        Op op = parseOp();
        if (op == null) {
            expectTermEnd("an operator (== != > >= < <= ~= !~=), ';', '|', ')' or the end of the query");
            return new Query.Exists(path);
        }
        Operand operand = parseOperand(op);
        expectTermEnd("';', '|', ')' or the end of the query after the value");
        return new Query.Comparison(path, op, operand);
    }

    private void expectTermEnd(String expected) {
        if (pos < n) {
            char c = s.charAt(pos);
            if (c != ';' && c != '|' && c != ')') {
                throw error(expected);
            }
        }
    }

    private AttrPath parsePath() {
        ArrayList<String> names = new ArrayList<>(2);
        names.add(parseName());
        while (pos < n && s.charAt(pos) == '.') {
            pos++;
            names.add(parseName());
        }
        List<String> keys = List.of();
        while (pos < n && s.charAt(pos) == '[') {
            int start = ++pos;
            while (pos < n && s.charAt(pos) != ']') {
                char c = s.charAt(pos);
                if (c == '[' || c < ' ' || c == 0x7f) {
                    throw error("a key name and ']'");
                }
                pos++;
            }
            if (pos >= n) {
                throw error("']'");
            }
            if (pos == start) {
                throw error("a key name inside '[]'");
            }
            if (keys.isEmpty()) {
                keys = new ArrayList<>(2);
            }
            keys.add(s.substring(start, pos));
            pos++;
        }
        return new AttrPath(names, keys);
    }

    private String parseName() {
        int end = Names.scanName(s, pos);
        if (end == pos) {
            throw error("an attribute name");
        }
        String name = s.substring(pos, end);
        pos = end;
        return name;
    }

    private @Nullable Op parseOp() {
        if (pos >= n) {
            return null;
        }
        Op op =
                switch (s.charAt(pos)) {
                    case '=' -> s.startsWith("==", pos) ? Op.EQ : null;
                    case '!' -> s.startsWith("!=", pos) ? Op.NE : s.startsWith("!~=", pos) ? Op.NOT_MATCH : null;
                    case '~' -> s.startsWith("~=", pos) ? Op.MATCH : null;
                    case '>' -> s.startsWith(">=", pos) ? Op.GE : Op.GT;
                    case '<' -> s.startsWith("<=", pos) ? Op.LE : Op.LT;
                    default -> null;
                };
        if (op == null) {
            char c = s.charAt(pos);
            if (c == '=' || c == '!' || c == '~') {
                throw error("an operator (== != > >= < <= ~= !~=)");
            }
            return null;
        }
        pos += op.symbol().length();
        return op;
    }

    private Operand parseOperand(Op op) {
        if (op.isPattern()) {
            int start = pos;
            int end = scanRegex(s, pos);
            if (end == start) {
                throw error("a regular expression");
            }
            String regex = s.substring(start, end);
            java.util.regex.Pattern compiled;
            try {
                compiled = java.util.regex.Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new TwinException(
                        ErrorType.BAD_REQUEST_DATA,
                        "q.regex",
                        "Invalid regular expression in q at position " + start + ": " + e.getDescription()
                                + " near index " + e.getIndex(),
                        e);
            }
            pos = end;
            return new Operand.Pattern(regex, compiled);
        }
        int firstAt = pos;
        Operand.Literal first = parseValue();
        boolean listOrRange = s.startsWith("..", pos) || (pos < n && s.charAt(pos) == ',');
        if (listOrRange && op != Op.EQ && op != Op.NE) {
            throw error("';', '|', ')' or the end of the query: ranges and lists are allowed only after == and !=");
        }
        if (op.isOrdering() && !first.isComparable()) {
            throw error(firstAt, "a number, quoted string, dateTime, date or time after " + op.symbol());
        }
        if (s.startsWith("..", pos)) {
            if (!first.isComparable()) {
                throw error(firstAt, "a number, quoted string, dateTime, date or time as a range bound");
            }
            pos += 2;
            int toAt = pos;
            Operand.Literal to = parseValue();
            if (!to.isComparable()) {
                throw error(toAt, "a number, quoted string, dateTime, date or time as a range bound");
            }
            return new Operand.Range(first, to);
        }
        if (pos < n && s.charAt(pos) == ',') {
            ArrayList<Operand.Literal> values = new ArrayList<>();
            values.add(first);
            while (pos < n && s.charAt(pos) == ',') {
                pos++;
                values.add(parseValue());
            }
            return new Operand.ValueList(values);
        }
        return first;
    }

    private Operand.Literal parseValue() {
        if (pos >= n) {
            throw error("a value");
        }
        char c = s.charAt(pos);
        if (c == '"') {
            return new Operand.Literal(parseString());
        }
        if ((c >= '0' && c <= '9') || c == '-') {
            return new Operand.Literal(parseNumberOrTime());
        }
        if (Names.isAsciiLetter(c)) {
            int start = pos;
            int end = pos;
            while (end < n && Uri.isUriChar(s.charAt(end))) {
                end++;
            }
            String token = s.substring(start, end);
            if (token.equals("true") || token.equals("false")) {
                pos = end;
                return new Operand.Literal(Boolean.valueOf(token));
            }
            if (Uri.isValid(token)) {
                pos = end;
                return new Operand.Literal(new Uri(token));
            }
            throw error(start, "a value: a number, \"quoted string\", true, false, dateTime, date, time or URI");
        }
        throw error("a value: a number, \"quoted string\", true, false, dateTime, date, time or URI");
    }

    private String parseString() {
        int start = pos;
        pos++;
        StringBuilder sb = null;
        int runStart = pos;
        while (pos < n) {
            char c = s.charAt(pos);
            if (c == '"') {
                String value;
                if (sb == null) {
                    value = s.substring(runStart, pos);
                } else {
                    value = sb.append(s, runStart, pos).toString();
                }
                pos++;
                return value;
            }
            if (c == '\\' && pos + 1 < n && (s.charAt(pos + 1) == '"' || s.charAt(pos + 1) == '\\')) {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(s, runStart, pos).append(s.charAt(pos + 1));
                pos += 2;
                runStart = pos;
                continue;
            }
            pos++;
        }
        throw error(start, "a closing '\"' for the string starting here");
    }

    private static boolean isDigit(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    private static boolean digitsAt(String s, int i, int count) {
        for (int k = 0; k < count; k++) {
            if (!isDigit(s, i + k)) {
                return false;
            }
        }
        return true;
    }

    /** The end of a date/time token: digits, '-', ':', 'T', 'Z', '+', and '.' before a digit. */
    private int scanTimeToken(int from) {
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            if ((c >= '0' && c <= '9') || c == '-' || c == ':' || c == 'T' || c == 'Z' || c == '+') {
                i++;
            } else if (c == '.' && isDigit(s, i + 1)) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private Object parseNumberOrTime() {
        int start = pos;
        if (digitsAt(s, pos, 4) && pos + 4 < n && s.charAt(pos + 4) == '-') {
            int end = scanTimeToken(pos);
            if (end - start > 10) {
                Instant t = IsoTimes.parseDateTime(s, start, end);
                if (t == null) {
                    throw error(start, "a dateTime such as 2024-01-31T12:00:00Z (years 0000 to 9999)");
                }
                pos = end;
                return t;
            }
            LocalDate d = IsoTimes.parseDate(s, start, end);
            if (d == null) {
                throw error(start, "a date such as 2024-01-31");
            }
            pos = end;
            return d;
        }
        if (digitsAt(s, pos, 2) && pos + 2 < n && s.charAt(pos + 2) == ':') {
            int end = scanTimeToken(pos);
            LocalTime t = IsoTimes.parseTime(s, start, end);
            if (t == null) {
                throw error(start, "a time such as 12:30:00");
            }
            pos = end;
            return t;
        }
        int i = pos;
        if (s.charAt(i) == '-') {
            i++;
        }
        if (!isDigit(s, i)) {
            throw error(start, "a number");
        }
        while (isDigit(s, i)) {
            i++;
        }
        boolean integral = true;
        if (i < n && s.charAt(i) == '.' && isDigit(s, i + 1)) {
            integral = false;
            i++;
            while (isDigit(s, i)) {
                i++;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                j++;
            }
            if (!isDigit(s, j)) {
                throw error(j, "digits of the exponent");
            }
            while (isDigit(s, j)) {
                j++;
            }
            integral = false;
            i = j;
        }
        String text = s.substring(start, i);
        pos = i;
        if (integral && text.length() <= 20) {
            Long l = parseLongOrNull(text);
            if (l != null) {
                return l;
            }
        }
        double d = Double.parseDouble(text);
        if (!Double.isFinite(d)) {
            throw error(start, "a number within the range of a double");
        }
        return d;
    }

    private static @Nullable Long parseLongOrNull(String text) {
        boolean negative = text.charAt(0) == '-';
        long v = 0;
        for (int i = negative ? 1 : 0; i < text.length(); i++) {
            int d = text.charAt(i) - '0';
            // accumulate negatively so that Long.MIN_VALUE fits
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return null;
            }
            v = -v;
        }
        return v;
    }

    /** Whether {@code regex} has a {@code \\Q} without a following {@code \\E}. */
    static boolean hasUnterminatedQuote(String regex) {
        int n = regex.length();
        int i = 0;
        while (i < n) {
            if (regex.charAt(i) == '\\') {
                if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
                    int e = regex.indexOf("\\E", i + 2);
                    if (e < 0) {
                        return true;
                    }
                    i = e + 2;
                } else {
                    i += 2;
                }
            } else {
                i++;
            }
        }
        return false;
    }

    /**
     * The end of a regular expression starting at {@code from}: the first {@code ;}, {@code |} or {@code )} outside
     * regex groups and character classes, not escaped and not inside {@code \Q...\E}; or the end of {@code s}.
     */
    static int scanRegex(String s, int from) {
        int n = s.length();
        int groups = 0;
        int classes = 0;
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 < n && s.charAt(i + 1) == 'Q') {
                    int e = s.indexOf("\\E", i + 2);
                    if (e >= 0) {
                        i = e + 2;
                        continue;
                    }
                }
                i += 2;
                continue;
            }
            if (classes > 0) {
                if (c == '[') {
                    classes++;
                } else if (c == ']') {
                    classes--;
                }
            } else if (c == '[') {
                classes = 1;
            } else if (c == '(') {
                groups++;
            } else if (c == ')') {
                if (groups == 0) {
                    return i;
                }
                groups--;
            } else if ((c == ';' || c == '|') && groups == 0) {
                return i;
            }
            i++;
        }
        return Math.min(i, n);
    }
}
