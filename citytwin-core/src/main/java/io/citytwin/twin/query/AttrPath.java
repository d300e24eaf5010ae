package io.citytwin.twin.query;

import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The left-hand side of a query term (clause 4.9, {@code Attribute}): a dotted path {@code attr.sub.observedAt}
 * followed by optional compound keys {@code [key][key]} that walk into the JSON value.
 *
 * <p>The first name is the attribute; following names are sub-attributes, or, in last position, one of the metadata
 * members {@code observedAt createdAt modifiedAt unitCode datasetId}. The lexical rules for names (compact names and
 * full IRIs) are those of the parser; see {@link QueryParser}. Immutable and thread-safe.
 *
 * @param attrNames the attribute name and sub-attribute names, at least one
 * @param trailingKeys JSON keys inside the value, possibly none; each non-empty, without {@code [ ]} or control
 *     characters
 */
public record AttrPath(List<String> attrNames, List<String> trailingKeys) {
    public AttrPath {
        attrNames = List.copyOf(attrNames);
        trailingKeys = List.copyOf(trailingKeys);
        if (attrNames.isEmpty()) {
            throw TwinException.badData("q.ast", "An attribute path needs at least one name");
        }
        for (int i = 0; i < attrNames.size(); i++) {
            String n = attrNames.get(i);
            if (!Names.isValidName(n)) {
                throw TwinException.badData("q.ast", "Not a valid attribute name in q: '" + n + "'");
            }
            if (i > 0 && Names.isIri(attrNames.get(i - 1)) && !Names.isIri(n) && Names.metaIndex(n) < 0) {
                throw TwinException.badData(
                        "q.ast",
                        "After the full IRI '" + attrNames.get(i - 1)
                                + "' a sub-attribute must be a full IRI or a metadata member, not '" + n + "'");
            }
        }
        for (String k : trailingKeys) {
            if (!Names.isValidKey(k)) {
                throw TwinException.badData("q.ast", "Not a valid key in q: '" + k + "'");
            }
        }
    }

    /** A path of a single attribute name, e.g. {@code AttrPath.of("temperature")}. */
    public static AttrPath of(String... names) {
        return new AttrPath(List.of(names), List.of());
    }

    /** The attribute name (the first name). */
    public String attribute() {
        return attrNames.get(0);
    }

    /** Whether this is just an attribute name: one name, no keys. */
    public boolean isSimple() {
        return attrNames.size() == 1 && trailingKeys.isEmpty();
    }

    /**
     * This path with the attribute and sub-attribute names passed through {@code expander}; metadata members in
     * non-first position and trailing keys are kept as they are.
     *
     * @throws TwinException BadRequestData {@code q.ast} if the expander returns a name that is not valid in q
     */
    public AttrPath mapNames(UnaryOperator<String> expander) {
        ArrayList<String> out = new ArrayList<>(attrNames.size());
        for (int i = 0; i < attrNames.size(); i++) {
            String n = attrNames.get(i);
            out.add(i > 0 && Names.metaIndex(n) >= 0 ? n : expander.apply(n));
        }
        return new AttrPath(out, trailingKeys);
    }

    /** The canonical text, e.g. {@code address[addressLocality]}. */
    public String print() {
        StringBuilder sb = new StringBuilder();
        print(sb);
        return sb.toString();
    }

    void print(StringBuilder sb) {
        for (int i = 0; i < attrNames.size(); i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(attrNames.get(i));
        }
        for (String k : trailingKeys) {
            sb.append('[').append(k).append(']');
        }
    }

    @Override
    public String toString() {
        return print();
    }
}
