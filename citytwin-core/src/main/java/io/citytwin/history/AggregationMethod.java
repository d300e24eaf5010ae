package io.citytwin.history;

import io.citytwin.twin.TwinException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The aggregation methods of the NGSI-LD aggregated temporal representation (ETSI GS CIM 009 v1.8, clause 4.5.19),
 * as named by the {@code aggrMethods} query parameter. See {@link TimeBuckets} for how each is computed.
 */
public enum AggregationMethod {
    TOTAL_COUNT("totalCount"),
    DISTINCT_COUNT("distinctCount"),
    SUM("sum"),
    AVG("avg"),
    MIN("min"),
    MAX("max"),
    STDDEV("stddev"),
    SUMSQ("sumsq");

    private static final AggregationMethod[] VALUES = values();

    private final String ngsiName;

    AggregationMethod(String ngsiName) {
        this.ngsiName = ngsiName;
    }

    /** The NGSI-LD name, e.g. {@code totalCount}, as used in {@code aggrMethods} and in responses. */
    public String ngsiName() {
        return ngsiName;
    }

    /**
     * Parses one NGSI-LD method name (case-sensitive, exactly as in the specification).
     *
     * @throws TwinException BadRequestData {@code aggr.method} for an unknown name
     */
    public static AggregationMethod parse(String name) {
        for (AggregationMethod m : VALUES) {
            if (m.ngsiName.equals(name)) {
                return m;
            }
        }
        throw TwinException.badData(
                "aggr.method",
                "Unknown aggregation method '" + clip(name)
                        + "'; expected one of totalCount, distinctCount, sum, avg, min, max, stddev, sumsq");
    }

    /**
     * Parses a comma-separated {@code aggrMethods} value such as {@code avg,max}. Duplicates are tolerated; blanks
     * around names are not (the parameter is a token list).
     *
     * @return an unmodifiable set in declaration order, never empty
     * @throws TwinException BadRequestData {@code aggr.method} for an empty list, an empty item or an unknown name
     */
    public static Set<AggregationMethod> parseList(String list) {
        if (list.isEmpty()) {
            throw TwinException.badData("aggr.method", "aggrMethods must name at least one aggregation method");
        }
        EnumSet<AggregationMethod> out = EnumSet.noneOf(AggregationMethod.class);
        int start = 0;
        while (true) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? list.length() : comma;
            if (end == start) {
                throw TwinException.badData(
                        "aggr.method", "Empty aggregation method in aggrMethods '" + clip(list) + "'");
            }
            out.add(parse(list.substring(start, end)));
            if (comma < 0) {
                return Collections.unmodifiableSet(out);
            }
            start = comma + 1;
        }
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
