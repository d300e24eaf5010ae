package io.citytwin.twin.query;

/** The comparison operators of the NGSI-LD query language (clause 4.9) with their textual symbols. */
public enum Op {
    /** {@code ==}: equal, or contained in a value list, or inside a range. */
    EQ("=="),
    /** {@code !=}: the negation of {@link #EQ} on an attribute that exists. */
    NE("!="),
    /** {@code >=}. */
    GE(">="),
    /** {@code >}. */
    GT(">"),
    /** {@code <=}. */
    LE("<="),
    /** {@code <}. */
    LT("<"),
    /** {@code ~=}: the value matches a regular expression ({@code Matcher.find()}). */
    MATCH("~="),
    /** {@code !~=}: the negation of {@link #MATCH} on an attribute that exists. */
    NOT_MATCH("!~=");

    private final String symbol;

    Op(String symbol) {
        this.symbol = symbol;
    }

    /** The operator as written in a query, e.g. {@code >=}. */
    public String symbol() {
        return symbol;
    }

    /** Whether this is an ordering operator ({@code > >= < <=}), which needs a comparable literal. */
    public boolean isOrdering() {
        return this == GE || this == GT || this == LE || this == LT;
    }

    /** Whether this is {@link #MATCH} or {@link #NOT_MATCH}, whose operand is a {@link Operand.Pattern}. */
    public boolean isPattern() {
        return this == MATCH || this == NOT_MATCH;
    }

    /** Whether this operator is the negation of another ({@link #NE}, {@link #NOT_MATCH}). */
    public boolean isNegation() {
        return this == NE || this == NOT_MATCH;
    }
}
