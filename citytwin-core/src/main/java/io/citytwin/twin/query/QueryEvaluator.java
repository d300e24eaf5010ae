package io.citytwin.twin.query;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.Ngsi;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/*
 * Evaluation of q against one entity (ETSI GS CIM 009 v1.8, clause 4.9 "Query language", and clause 4.5 for the
 * attribute kinds). The entity's attribute names must be in the same form as the query's (expanded: run
 * Query#mapNames first).
 *
 * Resolving a path to target values
 * - The first name selects ALL instances of the attribute (default instance and every datasetId, clause 4.5.5). A
 *   term matches when at least one instance matches.
 * - A bare top-level `createdAt` / `modifiedAt` (compact or core IRI), one name and no keys, that is not an attribute
 *   of the entity refers to the entity's system times.
 * - Following names walk into sub-attributes. A last name that is a metadata member compares the instance's
 *   metadata: observedAt / createdAt / modifiedAt (Instant), unitCode / datasetId (String); absent metadata = no value.
 * - The value of an attribute is, by kind: Property `value`; Relationship `object` (URI or list of URIs);
 *   VocabProperty `vocab`; LanguageProperty all of its strings (with `[tag]` as first key: the strings of that
 *   language); ListProperty `valueList`; ListRelationship `objectList`; JsonProperty `json`. A GeoProperty only
 *   exists: every comparison on it fails.
 * - `[key]` walks into JSON objects (maps); a key on anything else means "no value". Keys do not walk into arrays.
 *
 * Matching a target value
 * - Exists: the path yields a value. NotExists: it does not.
 * - ==, >, >=, <, <=, ~= (the positive operators): when the value is a JSON array (or the strings of a
 *   LanguageProperty), the term matches if ANY element matches (as Orion-LD does), recursively for nested arrays.
 * - != and !~= are the negation of == and ~= on the same value, and only where the value exists: a missing attribute
 *   never matches any comparison, != included (clause 4.9). So `a!=1` on [1,2] is false (the array contains 1).
 * - Numbers compare numerically, Long and Double mixed. Strings (including URIs of Relationships and Vocab IRIs)
 *   compare lexicographically by UTF-16 code unit (String#compareTo). A dateTime literal compares with Instant
 *   metadata and with string values that parse as an ISO 8601 dateTime; a date / time literal with string values that
 *   parse as date / time. Booleans only with == and !=. An unquoted URI literal equals the same string. Any other
 *   pairing of types is "no match" (hence true for the negated operators), never an error.
 * - == with a value list: equal to any listed value. == with a range: from <= v <= to (both comparisons must be
 *   defined).
 * - ~= uses Matcher#find(): the pattern matches anywhere in the string (anchor with ^...$ for a full match), as
 *   Orion-LD does; only string values match.
 *
 * Cost: no streams, no boxing of numbers, one Matcher per string tested against a pattern, one Instant/LocalDate per
 * string tested against a date literal. Thread-safe (no state).
 */
/** Evaluates a {@link Query} against an {@link Entity}; see the block comment above for the semantics. */
final class QueryEvaluator {
    /** Result of {@link #compare} when the two values are not comparable. */
    private static final int INCOMPARABLE = Integer.MIN_VALUE;

    private QueryEvaluator() {}

    static boolean test(Query q, Entity e) {
        return switch (q) {
            case Query.And a -> {
                List<Query> terms = a.terms();
                for (int i = 0; i < terms.size(); i++) {
                    if (!test(terms.get(i), e)) {
                        yield false;
                    }
                }
                yield true;
            }
            case Query.Or o -> {
                List<Query> terms = o.terms();
                for (int i = 0; i < terms.size(); i++) {
                    if (test(terms.get(i), e)) {
                        yield true;
                    }
                }
                yield false;
            }
            case Query.Exists x -> anyInstance(e, x.path(), null);
            case Query.NotExists x -> !anyInstance(e, x.path(), null);
            case Query.Comparison c -> anyInstance(e, c.path(), c);
        };
    }

    /** Whether some instance has a value at {@code path} that satisfies {@code c} (null: just has a value). */
    private static boolean anyInstance(Entity e, AttrPath path, Query.@Nullable Comparison c) {
        List<String> names = path.attrNames();
        String first = names.get(0);
        List<Attribute> instances = e.instances(first);
        if (instances.isEmpty()) {
            if (names.size() == 1 && path.trailingKeys().isEmpty()) {
                Instant t = entityTime(e, first);
                if (t != null) {
                    return matchValue(t, c);
                }
            }
            return false;
        }
        for (int i = 0; i < instances.size(); i++) {
            if (matchInstance(instances.get(i), names, path.trailingKeys(), c)) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable Instant entityTime(Entity e, String name) {
        return switch (name) {
            case "createdAt", Ngsi.CREATED_AT -> e.createdAt();
            case "modifiedAt", Ngsi.MODIFIED_AT -> e.modifiedAt();
            default -> null;
        };
    }

    private static int metaOf(String name) {
        return switch (name) {
            case "observedAt", Ngsi.OBSERVED_AT -> Names.OBSERVED_AT;
            case "createdAt", Ngsi.CREATED_AT -> Names.CREATED_AT;
            case "modifiedAt", Ngsi.MODIFIED_AT -> Names.MODIFIED_AT;
            case "unitCode", Ngsi.UNIT_CODE -> Names.UNIT_CODE;
            case "datasetId", Ngsi.DATASET_ID -> Names.DATASET_ID;
            default -> -1;
        };
    }

    private static boolean matchInstance(
            Attribute a, List<String> names, List<String> keys, Query.@Nullable Comparison c) {
        Attribute current = a;
        int last = names.size() - 1;
        for (int i = 1; i <= last; i++) {
            String name = names.get(i);
            if (i == last) {
                int meta = metaOf(name);
                if (meta >= 0 && !current.subAttributes().containsKey(name)) {
                    Object v =
                            switch (meta) {
                                case Names.OBSERVED_AT -> current.observedAt();
                                case Names.CREATED_AT -> current.createdAt();
                                case Names.MODIFIED_AT -> current.modifiedAt();
                                case Names.UNIT_CODE -> current.unitCode();
                                default -> current.datasetId();
                            };
                    return v != null && matchValue(walk(v, keys, 0), c);
                }
            }
            current = current.subAttributes().get(name);
            if (current == null) {
                return false;
            }
        }
        Object value = current.value();
        return switch (current.kind()) {
            case GEO_PROPERTY -> keys.isEmpty() && c == null;
            case LANGUAGE_PROPERTY -> {
                if (keys.isEmpty() && value instanceof Map<?, ?> m) {
                    yield matchValue(m.values(), c);
                }
                yield matchValue(walk(value, keys, 0), c);
            }
            default -> matchValue(walk(value, keys, 0), c);
        };
    }

    /** The value at {@code keys[from..]} inside {@code v}, or null. */
    private static @Nullable Object walk(@Nullable Object v, List<String> keys, int from) {
        Object cur = v;
        for (int i = from; i < keys.size() && cur != null; i++) {
            cur = cur instanceof Map<?, ?> m ? m.get(keys.get(i)) : null;
        }
        return cur;
    }

    private static boolean matchValue(@Nullable Object v, Query.@Nullable Comparison c) {
        if (v == null) {
            return false;
        }
        if (c == null) {
            return true;
        }
        boolean positive = positive(v, c);
        return c.op().isNegation() ? !positive : positive;
    }

    /** The positive form of {@code c} (== for !=, ~= for !~=) on {@code v}, any element of a collection. */
    private static boolean positive(Object v, Query.Comparison c) {
        if (v instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object o = list.get(i);
                if (o != null && positive(o, c)) {
                    return true;
                }
            }
            return false;
        }
        if (v instanceof Collection<?> col) {
            for (Object o : col) {
                if (o != null && positive(o, c)) {
                    return true;
                }
            }
            return false;
        }
        return switch (c.op()) {
            case EQ, NE -> equalsOperand(v, c.operand());
            case MATCH, NOT_MATCH ->
                v instanceof String s
                        && c.operand() instanceof Operand.Pattern p
                        && io.citytwin.twin.BoundedRegex.find(p.compiled(), s);
            case GT -> compare(v, (Operand.Literal) c.operand()) > 0;
            case GE -> compareAtLeast(v, (Operand.Literal) c.operand(), 0);
            case LT -> lessThan(v, (Operand.Literal) c.operand(), 0);
            case LE -> lessThan(v, (Operand.Literal) c.operand(), 1);
        };
    }

    private static boolean compareAtLeast(Object v, Operand.Literal l, int min) {
        int r = compare(v, l);
        return r != INCOMPARABLE && r >= min;
    }

    /** {@code compare(v, l) < bound} when comparable. */
    private static boolean lessThan(Object v, Operand.Literal l, int bound) {
        int r = compare(v, l);
        return r != INCOMPARABLE && r < bound;
    }

    private static boolean equalsOperand(Object v, Operand operand) {
        return switch (operand) {
            case Operand.Literal l -> equalsLiteral(v, l);
            case Operand.ValueList list -> {
                List<Operand.Literal> values = list.values();
                for (int i = 0; i < values.size(); i++) {
                    if (equalsLiteral(v, values.get(i))) {
                        yield true;
                    }
                }
                yield false;
            }
            case Operand.Range r -> {
                int lo = compare(v, r.from());
                if (lo == INCOMPARABLE || lo < 0) {
                    yield false;
                }
                int hi = compare(v, r.to());
                yield hi != INCOMPARABLE && hi <= 0;
            }
            case Operand.Pattern p -> false;
        };
    }

    private static boolean equalsLiteral(Object v, Operand.Literal l) {
        Object lit = l.value();
        return switch (lit) {
            case Boolean b -> b.equals(v);
            case Uri u -> v instanceof String s && s.equals(u.value());
            case String s -> s.equals(v);
            default -> compare(v, l) == 0;
        };
    }

    /**
     * Sign of {@code v - literal} for comparable pairs, else {@link #INCOMPARABLE}. Booleans and URIs are never
     * ordered.
     */
    private static int compare(Object v, Operand.Literal l) {
        Object lit = l.value();
        switch (lit) {
            case Long b -> {
                if (v instanceof Long a) {
                    return Long.compare(a, b);
                }
                if (v instanceof Double a) {
                    return compareDoubleLong(a, b);
                }
                return INCOMPARABLE;
            }
            case Double b -> {
                if (v instanceof Double a) {
                    return compareDoubles(a, b);
                }
                if (v instanceof Long a) {
                    return -compareDoubleLong(b, a);
                }
                return INCOMPARABLE;
            }
            case String b -> {
                return v instanceof String a ? Integer.signum(a.compareTo(b)) : INCOMPARABLE;
            }
            case Instant b -> {
                if (v instanceof Instant a) {
                    return Integer.signum(a.compareTo(b));
                }
                if (v instanceof String s) {
                    Instant a = IsoTimes.parseDateTime(s);
                    return a == null ? INCOMPARABLE : Integer.signum(a.compareTo(b));
                }
                return INCOMPARABLE;
            }
            case LocalDate b -> {
                if (v instanceof String s && s.length() == 10) {
                    LocalDate a = IsoTimes.parseDate(s, 0, 10);
                    return a == null ? INCOMPARABLE : Integer.signum(a.compareTo(b));
                }
                return INCOMPARABLE;
            }
            case LocalTime b -> {
                if (v instanceof String s && s.length() >= 8 && s.length() <= 19) {
                    LocalTime a = IsoTimes.parseTime(s, 0, s.length());
                    return a == null ? INCOMPARABLE : Integer.signum(a.compareTo(b));
                }
                return INCOMPARABLE;
            }
            default -> {
                return INCOMPARABLE;
            }
        }
    }

    private static int compareDoubles(double a, double b) {
        return a < b ? -1 : a > b ? 1 : a == b ? 0 : INCOMPARABLE;
    }

    /** Exact comparison of a double with a long (no precision loss for large longs). */
    private static int compareDoubleLong(double a, long b) {
        if (Double.isNaN(a)) {
            return INCOMPARABLE;
        }
        // 2^63 as a double; longs lie in [-2^63, 2^63)
        if (a >= 9.223372036854775808E18) {
            return 1;
        }
        if (a < -9.223372036854775808E18) {
            return -1;
        }
        long whole = (long) a; // truncates toward zero, exact in this range
        if (whole != b) {
            return whole < b ? -1 : 1;
        }
        double frac = a - whole;
        return frac > 0 ? 1 : frac < 0 ? -1 : 0;
    }
}
