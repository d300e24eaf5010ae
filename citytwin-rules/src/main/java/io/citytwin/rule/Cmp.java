package io.citytwin.rule;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A comparison operator of conditions. Numbers compare numerically, strings and booleans only for (in)equality. */
public enum Cmp {
    EQ("=="),
    NE("!="),
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<=");

    private final String symbol;

    Cmp(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** The operator written {@code symbol}, or null. */
    static @Nullable Cmp of(String symbol) {
        for (Cmp c : values()) {
            if (c.symbol.equals(symbol)) {
                return c;
            }
        }
        return null;
    }

    /** Whether {@code a op b}; false when either is absent or they cannot be compared (NE included). */
    boolean test(@Nullable Object a, @Nullable Object b) {
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof Double x && b instanceof Double y) {
            return test(x.doubleValue(), y.doubleValue());
        }
        if (this == EQ) {
            return Objects.equals(a, b);
        }
        if (this == NE) {
            return a.getClass() == b.getClass() && !a.equals(b);
        }
        return false;
    }

    /** Whether {@code a op b} for numbers; false when either is NaN. */
    boolean test(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return false;
        }
        return switch (this) {
            case EQ -> a == b;
            case NE -> a != b;
            case GT -> a > b;
            case GE -> a >= b;
            case LT -> a < b;
            case LE -> a <= b;
        };
    }
}
