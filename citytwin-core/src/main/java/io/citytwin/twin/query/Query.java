package io.citytwin.twin.query;

import io.citytwin.twin.Entity;
import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A parsed NGSI-LD query ({@code q}, ETSI GS CIM 009 v1.8, clause 4.9). Build one with {@link QueryParser#parse} or
 * from the records directly. Immutable and thread-safe; {@link #test(Entity)} may be called concurrently.
 *
 * <p>Invariants that make {@code QueryParser.parse(q.print()).equals(q)} hold: an {@link And} or {@link Or} has at
 * least two terms and never a direct child of its own kind (the constructors flatten such children); a {@link
 * Comparison} pairs each operator with the operand kinds the grammar allows for it.
 */
public sealed interface Query permits Query.And, Query.Or, Query.Exists, Query.NotExists, Query.Comparison {

    /**
     * Terms joined by {@code ;}: all must match.
     *
     * @param terms at least two; nested {@code And} terms are flattened into this one
     */
    record And(List<Query> terms) implements Query {
        public And {
            terms = flatten(terms, true);
        }
    }

    /**
     * Terms joined by {@code |}: at least one must match.
     *
     * @param terms at least two; nested {@code Or} terms are flattened into this one
     */
    record Or(List<Query> terms) implements Query {
        public Or {
            terms = flatten(terms, false);
        }
    }

    /**
     * A bare attribute path: the entity has a value at the path.
     *
     * @param path the path
     */
    record Exists(AttrPath path) implements Query {
        public Exists {
            java.util.Objects.requireNonNull(path, "path");
        }
    }

    /**
     * {@code !path}: the entity has no value at the path.
     *
     * @param path the path
     */
    record NotExists(AttrPath path) implements Query {
        public NotExists {
            java.util.Objects.requireNonNull(path, "path");
        }
    }

    /**
     * {@code path op operand}.
     *
     * @param path the left-hand side
     * @param op the operator
     * @param operand for {@link Op#MATCH} / {@link Op#NOT_MATCH} a {@link Operand.Pattern}; for ordering operators a
     *     comparable {@link Operand.Literal}; for {@code ==} / {@code !=} any literal, a range or a value list
     */
    record Comparison(AttrPath path, Op op, Operand operand) implements Query {
        public Comparison {
            java.util.Objects.requireNonNull(path, "path");
            java.util.Objects.requireNonNull(op, "op");
            boolean ok =
                    switch (operand) {
                        case Operand.Pattern p -> op.isPattern();
                        case Operand.Literal l -> !op.isPattern() && (!op.isOrdering() || l.isComparable());
                        case Operand.Range r -> op == Op.EQ || op == Op.NE;
                        case Operand.ValueList v -> op == Op.EQ || op == Op.NE;
                    };
            if (!ok) {
                throw TwinException.badData(
                        "q.ast",
                        "Operator " + op.symbol() + " cannot take "
                                + operand.getClass().getSimpleName());
            }
        }
    }

    /** The canonical text of this query; {@code QueryParser.parse(print())} equals this query. */
    default String print() {
        StringBuilder sb = new StringBuilder();
        QueryPrinter.print(this, sb);
        return sb.toString();
    }

    /**
     * This query with every attribute and sub-attribute name passed through {@code attrNameExpander} (typically the
     * JSON-LD compact-to-IRI expansion of the request's @context). Metadata members in non-first position ({@code
     * observedAt createdAt modifiedAt unitCode datasetId}) and trailing {@code [keys]} are kept as written.
     *
     * @throws TwinException BadRequestData {@code q.ast} if the expander yields a name that is not valid in q
     */
    default Query mapNames(UnaryOperator<String> attrNameExpander) {
        return switch (this) {
            case And a -> new And(mapAll(a.terms(), attrNameExpander));
            case Or o -> new Or(mapAll(o.terms(), attrNameExpander));
            case Exists e -> new Exists(e.path().mapNames(attrNameExpander));
            case NotExists n -> new NotExists(n.path().mapNames(attrNameExpander));
            case Comparison c -> new Comparison(c.path().mapNames(attrNameExpander), c.op(), c.operand());
        };
    }

    /**
     * Whether {@code entity} matches; its attribute names must be in the same form as this query's (call after
     * {@link #mapNames}). Never throws for any entity.
     *
     * <p>Semantics (clause 4.9; full rules in the comment atop {@code QueryEvaluator}): a term matches if ANY instance
     * of the attribute (any datasetId) matches; for a JSON array value if any element matches; a missing attribute
     * matches no comparison, {@code !=} included; {@code !=} and {@code !~=} are the negations of {@code ==} and
     * {@code ~=} on an existing value; mismatched types do not match; {@code ~=} uses {@code Matcher.find()}.
     */
    default boolean test(Entity entity) {
        return QueryEvaluator.test(this, entity);
    }

    /**
     * For an index lookup: when this query is a single {@link Comparison} or an {@link And} at the top level, the
     * conjuncts of the form {@code attribute==literal} (a single literal, a path of one name and no keys), by path, in
     * query order (the first one wins for a repeated path); otherwise empty. Every matching entity satisfies each
     * returned constraint (the query may hold further conditions).
     */
    default Map<AttrPath, Operand.Literal> equalityConstraints() {
        List<Query> conjuncts =
                switch (this) {
                    case And a -> a.terms();
                    case Comparison c -> List.of(c);
                    default -> List.of();
                };
        LinkedHashMap<AttrPath, Operand.Literal> out = new LinkedHashMap<>();
        for (Query q : conjuncts) {
            if (q instanceof Comparison c
                    && c.op() == Op.EQ
                    && c.operand() instanceof Operand.Literal l
                    && c.path().isSimple()) {
                out.putIfAbsent(c.path(), l);
            }
        }
        return out.isEmpty() ? Map.of() : Collections.unmodifiableMap(out);
    }

    private static List<Query> mapAll(List<Query> terms, UnaryOperator<String> f) {
        ArrayList<Query> out = new ArrayList<>(terms.size());
        for (Query q : terms) {
            out.add(q.mapNames(f));
        }
        return out;
    }

    private static List<Query> flatten(List<Query> terms, boolean and) {
        ArrayList<Query> out = new ArrayList<>(terms.size());
        for (Query q : terms) {
            java.util.Objects.requireNonNull(q, "term");
            if (and && q instanceof And a) {
                out.addAll(a.terms());
            } else if (!and && q instanceof Or o) {
                out.addAll(o.terms());
            } else {
                out.add(q);
            }
        }
        if (out.size() < 2) {
            throw TwinException.badData("q.ast", (and ? "And" : "Or") + " needs at least two terms, got " + out.size());
        }
        return List.copyOf(out);
    }
}
