package io.citytwin.rule;

import io.citytwin.alarm.Severity;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.Query;
import io.citytwin.twin.query.QueryParser;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/*
 * THE RULE FORMAT (a JSON/YAML tree; docs/rules.md has the full reference with examples)
 *
 *   id, version?, name?, description?, enabled?, domain?,
 *   scope: {types: [..] | type, idPattern?, q?, geo?: {georel, geometry, coordinates, geoproperty?}},
 *   eventTime?: {grace: ISO duration},
 *   when: <condition>, clearWhen?: <condition>,
 *   then: [<outcome>, ...]
 *
 * A condition is an object with exactly one of the keys: all, any, not, compare, attribute (threshold), related
 * (threshold on a related entity's attribute), window, for, absent, sequence, ewma, robustZ, seasonal, daylight.
 * A value is a bare string (an attribute name), a number/boolean constant, {value: c}, {attribute: a, times?: f}, or
 * {related: relationship, attribute: a, times?: f}.
 *
 * The parser never throws anything but RuleException: every problem is collected with its path so that one round
 * trip tells a rule author everything that is wrong (the validate endpoint returns the list).
 */
/** Parses rule definitions from JSON/YAML trees; stateless and thread-safe. */
public final class RuleParser {
    /** The longest accepted rule id. */
    public static final int MAX_ID_LENGTH = 200;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> TOP = Set.of(
            "id",
            "version",
            "name",
            "description",
            "enabled",
            "domain",
            "scope",
            "eventTime",
            "when",
            "clearWhen",
            "then");
    private static final int MAX_DEPTH = 16;

    private final List<RuleProblem> problems = new ArrayList<>();
    private final java.util.function.UnaryOperator<String> expand;

    private RuleParser(java.util.function.UnaryOperator<String> expand) {
        this.expand = expand;
    }

    /**
     * Parses one rule.
     *
     * @param tree the definition (maps with string keys, lists, strings, numbers, booleans, nulls)
     * @param origin what it came from, for the error message (a file name, {@code request body})
     * @throws RuleException with every problem when the definition is invalid
     */
    public static Rule parse(@Nullable Object tree, String origin) {
        return parse(tree, origin, Names::expand);
    }

    /**
     * Parses one rule, expanding attribute and type names with {@code expand} (the node passes the core @context's
     * term expansion, so that {@code status} or {@code description} mean what they mean in the NGSI-LD API).
     *
     * @throws RuleException with every problem when the definition is invalid
     */
    public static Rule parse(@Nullable Object tree, String origin, java.util.function.UnaryOperator<String> expand) {
        RuleParser p = new RuleParser(expand);
        Rule r = null;
        try {
            r = p.rule(tree);
        } catch (RuntimeException e) {
            // defensive: an unforeseen shape is a problem of the input, never a crash of the caller
            p.problem("", "cannot be read: " + e.getMessage());
        }
        if (!p.problems.isEmpty() || r == null) {
            if (p.problems.isEmpty()) {
                p.problem("", "is not a rule");
            }
            throw new RuleException(origin, p.problems);
        }
        return r;
    }

    /** Every problem of the definition; empty when it is a valid rule. */
    public static List<RuleProblem> validate(@Nullable Object tree) {
        return validate(tree, Names::expand);
    }

    /** Every problem of the definition, names expanded with {@code expand}; empty when it is a valid rule. */
    public static List<RuleProblem> validate(@Nullable Object tree, java.util.function.UnaryOperator<String> expand) {
        try {
            parse(tree, "definition", expand);
            return List.of();
        } catch (RuleException e) {
            return e.problems();
        }
    }

    private void problem(String path, String message) {
        problems.add(new RuleProblem(path, message));
    }

    private static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    // ---------------------------------------------------------------- the rule

    private @Nullable Rule rule(@Nullable Object tree) {
        Map<String, Object> m = object(tree, "");
        if (m == null) {
            return null;
        }
        unknown(m, TOP, "");
        String id = string(m, "id", "", true);
        if (id != null && (id.length() > MAX_ID_LENGTH || !ID.matcher(id).matches())) {
            problem(
                    "id",
                    "must be letters, digits, '.', '_' or '-' (at most " + MAX_ID_LENGTH
                            + " characters, starting with a letter or digit), got '" + clip(id) + "'");
            id = null;
        }
        Object v = m.get("version");
        int version = 1;
        if (v != null) {
            if (v instanceof Number n
                    && n.doubleValue() == Math.rint(n.doubleValue())
                    && n.doubleValue() >= 1
                    && n.doubleValue() <= Integer.MAX_VALUE) {
                version = n.intValue();
            } else {
                problem("version", "must be a positive integer");
            }
        }
        String name = string(m, "name", "", false);
        String description = string(m, "description", "", false);
        Boolean enabled = bool(m, "enabled", "");
        String domain = string(m, "domain", "", false);
        if (domain == null && id != null) {
            int dot = id.indexOf('.');
            domain = dot < 0 ? "general" : id.substring(0, dot);
        }
        Scope scope = scope(m.get("scope"), "scope");
        Duration grace = Duration.ofMinutes(1);
        if (m.containsKey("eventTime")) {
            Map<String, Object> et = object(m.get("eventTime"), "eventTime");
            if (et != null) {
                unknown(et, Set.of("grace"), "eventTime");
                Duration g = duration(et.get("grace"), "eventTime.grace", false);
                if (g != null) {
                    grace = g;
                }
            }
        }
        Condition when = null;
        if (!m.containsKey("when")) {
            problem("when", "is required: the condition of the rule");
        } else {
            when = condition(m.get("when"), "when", 0);
        }
        Condition clearWhen = m.containsKey("clearWhen") ? condition(m.get("clearWhen"), "clearWhen", 0) : null;
        List<Outcome> outcomes = outcomes(m.get("then"), "then");
        if (!problems.isEmpty() || id == null || scope == null || when == null || domain == null) {
            return null;
        }
        Map<String, Object> source = new LinkedHashMap<>(m);
        source.put("version", version);
        return new Rule(
                id,
                version,
                name == null ? id : name,
                description == null ? "" : description,
                enabled == null || enabled,
                domain,
                scope,
                when,
                clearWhen,
                outcomes,
                grace,
                source);
    }

    private @Nullable Scope scope(@Nullable Object tree, String path) {
        if (tree == null) {
            problem(path, "is required: at least the entity types the rule applies to");
            return null;
        }
        Map<String, Object> m = object(tree, path);
        if (m == null) {
            return null;
        }
        unknown(m, Set.of("types", "type", "idPattern", "q", "geo"), path);
        List<String> types = new ArrayList<>();
        Object t = m.containsKey("types") ? m.get("types") : m.get("type");
        if (t instanceof String s && !s.isBlank()) {
            types.add(expand.apply(s));
        } else if (t instanceof List<?> l && !l.isEmpty()) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof String s && !s.isBlank()) {
                    types.add(expand.apply(s));
                } else {
                    problem(path + ".types[" + i + "]", "must be an entity type name");
                }
            }
        } else {
            problem(at(path, "types"), "is required: a non-empty list of entity types");
        }
        Pattern idPattern = null;
        String ip = string(m, "idPattern", path, false);
        if (ip != null) {
            try {
                idPattern = Pattern.compile(ip);
            } catch (PatternSyntaxException e) {
                problem(at(path, "idPattern"), "is not a regular expression: " + e.getDescription());
            }
        }
        Query q = null;
        String qs = string(m, "q", path, false);
        if (qs != null) {
            try {
                q = QueryParser.parse(qs).mapNames(expand);
            } catch (TwinException e) {
                problem(at(path, "q"), e.detail());
            }
        }
        GeoQuery geo = null;
        if (m.containsKey("geo")) {
            Map<String, Object> g = object(m.get("geo"), at(path, "geo"));
            if (g != null) {
                String gp = at(path, "geo");
                unknown(g, Set.of("georel", "geometry", "coordinates", "geoproperty"), gp);
                Object coords = g.get("coordinates");
                String coordText = coords instanceof String s ? s : coords == null ? null : jsonText(coords);
                try {
                    geo = GeoQuery.parse(
                                    string(g, "georel", gp, true), string(g, "geometry", gp, true), coordText, null)
                            .withGeoproperty(io.citytwin.twin.Ngsi.LOCATION);
                } catch (TwinException e) {
                    problem(gp, e.detail());
                }
            }
        }
        if (types.isEmpty()) {
            return null;
        }
        return new Scope(types, idPattern, q, geo);
    }

    // ---------------------------------------------------------------- conditions

    private static final Set<String> KINDS = Set.of(
            "all",
            "any",
            "not",
            "compare",
            "attribute",
            "related",
            "window",
            "for",
            "absent",
            "sequence",
            "ewma",
            "robustZ",
            "seasonal",
            "daylight");

    private @Nullable Condition condition(@Nullable Object tree, String path, int depth) {
        if (depth > MAX_DEPTH) {
            problem(path, "conditions are nested too deeply (at most " + MAX_DEPTH + ")");
            return null;
        }
        Map<String, Object> m = object(tree, path);
        if (m == null) {
            return null;
        }
        String kind = null;
        for (String k : m.keySet()) {
            if (KINDS.contains(k)) {
                if (kind != null && !isThresholdPair(kind, k)) {
                    problem(path, "has both '" + kind + "' and '" + k + "'; a condition is one of " + sorted(KINDS));
                    return null;
                }
                if (kind == null || k.equals("window")) {
                    kind = kind == null ? k : kind;
                }
            }
        }
        if (kind == null) {
            problem(path, "must be one of " + sorted(KINDS));
            return null;
        }
        return switch (kind) {
            case "all", "any" -> {
                unknown(m, Set.of(kind), path);
                Object list = m.get(kind);
                if (!(list instanceof List<?> l) || l.isEmpty()) {
                    problem(at(path, kind), "must be a non-empty list of conditions");
                    yield null;
                }
                List<Condition> cs = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) {
                    cs.add(condition(l.get(i), path + "." + kind + "[" + i + "]", depth + 1));
                }
                if (cs.contains(null)) {
                    yield null;
                }
                yield kind.equals("all") ? new Condition.All(cs) : new Condition.Any(cs);
            }
            case "not" -> {
                unknown(m, Set.of("not"), path);
                Condition c = condition(m.get("not"), at(path, "not"), depth + 1);
                yield c == null ? null : new Condition.Not(c);
            }
            case "compare" -> compare(m, path);
            case "attribute", "related" -> threshold(m, path);
            case "window" -> window(m, path);
            case "for" -> {
                unknown(m, Set.of("for", "condition"), path);
                Duration d = duration(m.get("for"), at(path, "for"), true);
                Condition c = condition(m.get("condition"), at(path, "condition"), depth + 1);
                yield d == null || c == null ? null : new Condition.For(c, d);
            }
            case "absent" -> {
                unknown(m, Set.of("absent", "attributes"), path);
                Duration d = duration(m.get("absent"), at(path, "absent"), true);
                List<String> attrs = names(m.get("attributes"), at(path, "attributes"));
                yield d == null || attrs == null ? null : new Condition.Absent(d, attrs);
            }
            case "sequence" -> {
                unknown(m, Set.of("sequence", "within"), path);
                Object list = m.get("sequence");
                Duration within = duration(m.get("within"), at(path, "within"), true);
                if (!(list instanceof List<?> l) || l.size() != 2) {
                    problem(at(path, "sequence"), "must be a list of two conditions: the first, then the second");
                    yield null;
                }
                Condition a = condition(l.get(0), path + ".sequence[0]", depth + 1);
                Condition b = condition(l.get(1), path + ".sequence[1]", depth + 1);
                yield a == null || b == null || within == null ? null : new Condition.Sequence(a, b, within);
            }
            case "ewma" -> ewma(m, path);
            case "robustZ" -> robustZ(m, path);
            case "seasonal" -> seasonal(m, path);
            case "daylight" -> {
                unknown(m, Set.of("daylight"), path);
                Object d = m.get("daylight");
                double elevation = 0;
                if (d instanceof Map<?, ?>) {
                    Map<String, Object> dm = object(d, at(path, "daylight"));
                    if (dm != null) {
                        unknown(dm, Set.of("elevationAbove"), at(path, "daylight"));
                        Double e = number(dm, "elevationAbove", at(path, "daylight"), false);
                        elevation = e == null ? 0 : e;
                    }
                } else if (!Boolean.TRUE.equals(d)) {
                    problem(at(path, "daylight"), "must be true or {elevationAbove: degrees}");
                }
                yield new Condition.Daylight(elevation);
            }
            default -> null;
        };
    }

    private static boolean isThresholdPair(String a, String b) {
        // {attribute: x, ...} next to {related: r, attribute: x}; {window: ..., } never pairs
        return (a.equals("attribute") && b.equals("related")) || (a.equals("related") && b.equals("attribute"));
    }

    private @Nullable Condition compare(Map<String, Object> m, String path) {
        unknown(m, Set.of("compare"), path);
        Map<String, Object> c = object(m.get("compare"), at(path, "compare"));
        if (c == null) {
            return null;
        }
        String p = at(path, "compare");
        unknown(c, Set.of("left", "op", "right"), p);
        Value left = value(c.get("left"), at(p, "left"));
        Value right = value(c.get("right"), at(p, "right"));
        String op = string(c, "op", p, true);
        Cmp cmp = op == null ? null : Cmp.of(op);
        if (op != null && cmp == null) {
            problem(at(p, "op"), "must be one of == != > >= < <=, got '" + clip(op) + "'");
        }
        return left == null || right == null || cmp == null ? null : new Condition.Compare(left, cmp, right);
    }

    private static final Set<String> BOUNDS = Set.of("above", "atLeast", "below", "atMost", "clear");

    private @Nullable Condition threshold(Map<String, Object> m, String path) {
        Set<String> allowed = new java.util.HashSet<>(BOUNDS);
        allowed.addAll(Set.of("attribute", "related", "times"));
        unknown(m, allowed, path);
        Value v = value(m, path);
        Bound b = bound(m, path);
        return v == null || b == null ? null : new Condition.Threshold(v, b.op, b.raise, b.clear);
    }

    private record Bound(Cmp op, double raise, double clear) {}

    private @Nullable Bound bound(Map<String, Object> m, String path) {
        Cmp op = null;
        Double raise = null;
        for (String k : List.of("above", "atLeast", "below", "atMost")) {
            if (m.containsKey(k)) {
                if (op != null) {
                    problem(at(path, k), "only one of above, atLeast, below, atMost may be given");
                    return null;
                }
                op = switch (k) {
                    case "above" -> Cmp.GT;
                    case "atLeast" -> Cmp.GE;
                    case "below" -> Cmp.LT;
                    default -> Cmp.LE;
                };
                raise = number(m, k, path, true);
            }
        }
        if (op == null) {
            problem(path, "needs a bound: one of above, atLeast, below, atMost");
            return null;
        }
        if (raise == null) {
            return null;
        }
        Double clear = number(m, "clear", path, false);
        if (clear == null) {
            clear = raise;
        } else if ((op == Cmp.GT || op == Cmp.GE) ? clear > raise : clear < raise) {
            problem(
                    at(path, "clear"),
                    "must be on the normal side of the raise threshold " + raise + " (hysteresis: "
                            + ((op == Cmp.GT || op == Cmp.GE) ? "at most" : "at least") + " it)");
            return null;
        }
        return new Bound(op, raise, clear);
    }

    private @Nullable Condition window(Map<String, Object> m, String path) {
        java.util.Set<String> allowed = new java.util.HashSet<>(BOUNDS);
        allowed.add("window");
        unknown(m, allowed, path);
        String p = at(path, "window");
        Map<String, Object> w = object(m.get("window"), p);
        if (w == null) {
            return null;
        }
        unknown(w, Set.of("attribute", "related", "times", "function", "percentile", "type", "size", "count"), p);
        Value v = value(w, p);
        String fn = string(w, "function", p, true);
        Condition.Aggregate agg = null;
        if (fn != null) {
            try {
                agg = Condition.Aggregate.valueOf(fn.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem(at(p, "function"), "must be one of count, avg, min, max, sum, percentile, rate");
            }
        }
        double percentile = 0;
        if (agg == Condition.Aggregate.PERCENTILE) {
            Double pc = number(w, "percentile", p, true);
            if (pc != null && (pc < 0 || pc > 100)) {
                problem(at(p, "percentile"), "must be between 0 and 100");
            }
            percentile = pc == null ? 0 : pc;
        }
        String type = string(w, "type", p, false);
        Condition.WindowKind kind = Condition.WindowKind.SLIDING;
        if (type != null) {
            if (type.equals("tumbling")) {
                kind = Condition.WindowKind.TUMBLING;
            } else if (!type.equals("sliding")) {
                problem(at(p, "type"), "must be sliding or tumbling");
            }
        }
        Duration size = w.containsKey("size") ? duration(w.get("size"), at(p, "size"), true) : null;
        int count = 0;
        if (w.containsKey("count")) {
            Double c = number(w, "count", p, true);
            if (c != null && (c < 1 || c > 100_000 || c != Math.rint(c))) {
                problem(at(p, "count"), "must be an integer from 1 to 100000");
            } else if (c != null) {
                count = c.intValue();
            }
        }
        if (w.containsKey("size") == w.containsKey("count")) {
            problem(p, "needs exactly one of size (an ISO duration) or count (samples)");
            return null;
        }
        Bound b = bound(m, path);
        if (v == null || agg == null || b == null || (size == null && count == 0)) {
            return null;
        }
        return new Condition.Window(v, agg, percentile, kind, size, count, b.op, b.raise, b.clear);
    }

    private Condition.@Nullable Direction direction(Map<String, Object> m, String path, Condition.Direction dflt) {
        String d = string(m, "direction", path, false);
        if (d == null) {
            return dflt;
        }
        try {
            return Condition.Direction.valueOf(d.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem(at(path, "direction"), "must be above, below or both");
            return null;
        }
    }

    private @Nullable Condition ewma(Map<String, Object> m, String path) {
        unknown(m, Set.of("ewma"), path);
        String p = at(path, "ewma");
        Map<String, Object> e = object(m.get("ewma"), p);
        if (e == null) {
            return null;
        }
        unknown(e, Set.of("attribute", "related", "times", "lambda", "L", "warmup", "direction"), p);
        Value v = value(e, p);
        double lambda = positive(e, "lambda", p, 0.2, 1);
        double l = positive(e, "L", p, 2.962, 100);
        double warmup = positive(e, "warmup", p, 30, 1_000_000);
        Condition.Direction d = direction(e, p, Condition.Direction.BOTH);
        return v == null || d == null ? null : new Condition.Ewma(v, lambda, l, Math.max(2, (int) warmup), d);
    }

    private @Nullable Condition robustZ(Map<String, Object> m, String path) {
        unknown(m, Set.of("robustZ"), path);
        String p = at(path, "robustZ");
        Map<String, Object> e = object(m.get("robustZ"), p);
        if (e == null) {
            return null;
        }
        unknown(e, Set.of("attribute", "related", "times", "window", "threshold", "direction"), p);
        Value v = value(e, p);
        double window = positive(e, "window", p, 60, 100_000);
        double threshold = positive(e, "threshold", p, 3.5, 1e9);
        Condition.Direction d = direction(e, p, Condition.Direction.BOTH);
        return v == null || d == null ? null : new Condition.RobustZ(v, Math.max(5, (int) window), threshold, d);
    }

    private @Nullable Condition seasonal(Map<String, Object> m, String path) {
        unknown(m, Set.of("seasonal"), path);
        String p = at(path, "seasonal");
        Map<String, Object> e = object(m.get("seasonal"), p);
        if (e == null) {
            return null;
        }
        unknown(
                e,
                Set.of(
                        "attribute",
                        "related",
                        "times",
                        "season",
                        "zone",
                        "minSamples",
                        "history",
                        "above",
                        "below",
                        "minDelta"),
                p);
        Value v = value(e, p);
        String s = string(e, "season", p, false);
        Condition.Season season = Condition.Season.WEEK;
        if (s != null) {
            try {
                season = Condition.Season.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                problem(at(p, "season"), "must be week, day or daytype");
            }
        }
        ZoneId zone = java.time.ZoneOffset.UTC;
        String z = string(e, "zone", p, false);
        if (z != null) {
            try {
                zone = ZoneId.of(z);
            } catch (java.time.DateTimeException ex) {
                problem(at(p, "zone"), "is not a time zone: " + clip(z));
            }
        }
        double minSamples = positive(e, "minSamples", p, 4, 100_000);
        double history = positive(e, "history", p, 8, 100_000);
        double minDelta = e.containsKey("minDelta") ? orZero(number(e, "minDelta", p, true)) : 0;
        Condition.Direction d;
        double factor;
        if (e.containsKey("above") == e.containsKey("below")) {
            problem(p, "needs exactly one of above (a factor > 1) or below (a factor < 1) of the baseline");
            return null;
        } else if (e.containsKey("above")) {
            d = Condition.Direction.ABOVE;
            factor = orZero(number(e, "above", p, true));
            if (factor <= 1) {
                problem(at(p, "above"), "must be a factor above 1");
            }
        } else {
            d = Condition.Direction.BELOW;
            factor = orZero(number(e, "below", p, true));
            if (factor >= 1 || factor < 0) {
                problem(at(p, "below"), "must be a factor from 0 to below 1");
            }
        }
        if (v == null) {
            return null;
        }
        return new Condition.Seasonal(
                v, season, zone, (int) minSamples, Math.max((int) history, (int) minSamples), d, factor, minDelta);
    }

    private static double orZero(@Nullable Double d) {
        return d == null ? 0 : d;
    }

    private double positive(Map<String, Object> m, String key, String path, double dflt, double max) {
        if (!m.containsKey(key)) {
            return dflt;
        }
        Double d = number(m, key, path, true);
        if (d == null) {
            return dflt;
        }
        if (!(d > 0) || d > max) {
            problem(at(path, key), "must be above 0 and at most " + max);
            return dflt;
        }
        return d;
    }

    // ---------------------------------------------------------------- values

    /** A value given by the keys attribute / related / times of {@code m}. */
    private @Nullable Value value(Map<String, Object> m, String path) {
        String attr = string(m, "attribute", path, true);
        double times = 1;
        if (m.containsKey("times")) {
            Double t = number(m, "times", path, true);
            times = t == null ? 1 : t;
        }
        if (attr == null) {
            return null;
        }
        if (m.containsKey("related")) {
            String rel = string(m, "related", path, true);
            return rel == null ? null : new Value.Related(expand.apply(rel), expand.apply(attr), times);
        }
        return new Value.Attr(expand.apply(attr), times);
    }

    /** A value given on its own: a name, a constant, or an object. */
    private @Nullable Value value(@Nullable Object tree, String path) {
        if (tree instanceof String s) {
            if (s.isBlank()) {
                problem(path, "must not be blank");
                return null;
            }
            return new Value.Attr(expand.apply(s), 1);
        }
        if (tree instanceof Number n) {
            if (!Double.isFinite(n.doubleValue())) {
                problem(path, "must be a finite number");
                return null;
            }
            return new Value.Const(n.doubleValue());
        }
        if (tree instanceof Boolean b) {
            return new Value.Const(b);
        }
        Map<String, Object> m = object(tree, path);
        if (m == null) {
            return null;
        }
        if (m.containsKey("value")) {
            unknown(m, Set.of("value"), path);
            Object c = m.get("value");
            if (c instanceof String
                    || c instanceof Boolean
                    || (c instanceof Number n && Double.isFinite(n.doubleValue()))) {
                return new Value.Const(c);
            }
            problem(at(path, "value"), "must be a string, number or boolean");
            return null;
        }
        unknown(m, Set.of("attribute", "related", "times"), path);
        return value(m, path);
    }

    private @Nullable List<String> names(@Nullable Object tree, String path) {
        List<String> out = new ArrayList<>();
        if (tree == null) {
            return out;
        }
        if (!(tree instanceof List<?> l)) {
            problem(path, "must be a list of attribute names");
            return null;
        }
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) instanceof String s && !s.isBlank()) {
                out.add(expand.apply(s));
            } else {
                problem(path + "[" + i + "]", "must be an attribute name");
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- outcomes

    private List<Outcome> outcomes(@Nullable Object tree, String path) {
        List<Outcome> out = new ArrayList<>();
        if (tree == null) {
            problem(path, "is required: a list of outcomes (alarm, set, emit)");
            return out;
        }
        List<?> l = tree instanceof List<?> list ? list : List.of(tree);
        if (l.isEmpty()) {
            problem(path, "must have at least one outcome");
        }
        for (int i = 0; i < l.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Object> m = object(l.get(i), p);
            if (m == null) {
                continue;
            }
            if (m.size() != 1) {
                problem(p, "must have exactly one of alarm, set, emit");
                continue;
            }
            String kind = m.keySet().iterator().next();
            Map<String, Object> o = object(m.get(kind), at(p, kind));
            if (o == null) {
                continue;
            }
            String op = at(p, kind);
            switch (kind) {
                case "alarm" -> {
                    unknown(o, Set.of("type", "severity", "description", "autoClear", "originator"), op);
                    String type = string(o, "type", op, true);
                    if (type != null && !type.matches("[a-z0-9]+(\\.[a-z0-9-]+)+")) {
                        problem(at(op, "type"), "must be <domain>.<name> in lower case, e.g. lighting.lamp-failure");
                        type = null;
                    }
                    String sev = string(o, "severity", op, false);
                    Severity severity = Severity.MAJOR;
                    if (sev != null) {
                        try {
                            severity = Severity.of(sev);
                        } catch (TwinException e) {
                            problem(at(op, "severity"), e.detail());
                        }
                    }
                    String description = string(o, "description", op, false);
                    Boolean autoClear = bool(o, "autoClear", op);
                    String via = string(o, "originator", op, false);
                    if (type != null) {
                        out.add(new Outcome.RaiseAlarm(
                                type,
                                severity,
                                description == null ? type + " on {id}" : description,
                                autoClear == null || autoClear,
                                via == null ? null : expand.apply(via)));
                    }
                }
                case "set" -> {
                    unknown(o, Set.of("attribute", "value", "clearValue"), op);
                    String attr = string(o, "attribute", op, true);
                    Object value = o.get("value");
                    if (!scalar(value)) {
                        problem(at(op, "value"), "is required: a string, number or boolean (or \"$value\")");
                    }
                    Object clear = o.get("clearValue");
                    if (clear != null && !scalar(clear)) {
                        problem(at(op, "clearValue"), "must be a string, number or boolean");
                    }
                    if (attr != null && scalar(value)) {
                        out.add(new Outcome.SetAttribute(expand.apply(attr), value, clear));
                    }
                }
                case "emit" -> {
                    unknown(o, Set.of("event"), op);
                    String event = string(o, "event", op, true);
                    if (event != null) {
                        out.add(new Outcome.Emit(event));
                    }
                }
                default -> problem(p, "must be one of alarm, set, emit, got '" + clip(kind) + "'");
            }
        }
        return out;
    }

    private static boolean scalar(@Nullable Object v) {
        return v instanceof String
                || v instanceof Boolean
                || (v instanceof Number n && Double.isFinite(n.doubleValue()));
    }

    // ---------------------------------------------------------------- primitives

    @SuppressWarnings("unchecked")
    private @Nullable Map<String, Object> object(@Nullable Object tree, String path) {
        if (!(tree instanceof Map<?, ?> m)) {
            problem(path, tree == null ? "is required: an object" : "must be an object, got " + kindOf(tree));
            return null;
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                problem(path, "has a key that is not a string: " + clip(String.valueOf(k)));
                return null;
            }
        }
        return (Map<String, Object>) m;
    }

    private void unknown(Map<String, Object> m, Set<String> allowed, String path) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                problem(at(path, k), "is not a known member here; expected one of " + sorted(allowed));
            }
        }
    }

    private @Nullable String string(Map<String, Object> m, String key, String path, boolean required) {
        Object v = m.get(key);
        if (v == null) {
            if (required) {
                problem(at(path, key), "is required");
            }
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            problem(at(path, key), "must be a non-empty string, got " + kindOf(v));
            return null;
        }
        return s;
    }

    private @Nullable Boolean bool(Map<String, Object> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            problem(at(path, key), "must be true or false, got " + kindOf(v));
            return null;
        }
        return b;
    }

    private @Nullable Double number(Map<String, Object> m, String key, String path, boolean required) {
        Object v = m.get(key);
        if (v == null) {
            if (required) {
                problem(at(path, key), "is required: a number");
            }
            return null;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            problem(at(path, key), "must be a finite number, got " + kindOf(v));
            return null;
        }
        return n.doubleValue();
    }

    private @Nullable Duration duration(@Nullable Object v, String path, boolean required) {
        if (v == null) {
            if (required) {
                problem(path, "is required: an ISO 8601 duration such as PT10M");
            }
            return null;
        }
        if (v instanceof String s) {
            try {
                Duration d = Duration.parse(s);
                if (d.isNegative() || d.isZero()) {
                    problem(path, "must be a positive duration, got " + clip(s));
                    return null;
                }
                return d;
            } catch (DateTimeParseException e) {
                problem(path, "is not an ISO 8601 duration such as PT10M: " + clip(s));
                return null;
            }
        }
        problem(path, "must be an ISO 8601 duration such as PT10M, got " + kindOf(v));
        return null;
    }

    private static String kindOf(Object v) {
        return switch (v) {
            case String s -> "a string";
            case Number n -> "a number";
            case Boolean b -> "a boolean";
            case List<?> l -> "a list";
            case Map<?, ?> m -> "an object";
            default -> v.getClass().getSimpleName();
        };
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", new java.util.TreeSet<>(s));
    }

    /** A compact JSON text of lists and numbers (geo coordinates given as YAML lists). */
    private static String jsonText(Object v) {
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(jsonText(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return "\"" + v + "\"";
    }
}
