package io.citytwin.twin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * An entity type selection (ETSI GS CIM 009 v1.8 clause 4.17): type names combined with {@code ,} or {@code |} (or),
 * {@code ;} (and) and parentheses, e.g. {@code (Streetlight|Lamp);Device}. {@code ;} binds tighter than {@code |}.
 */
public sealed interface TypeSelector {
    /** Whether an entity with {@code types} (expanded) is selected. */
    boolean test(List<String> types);

    /** Every type name mentioned (for index lookups). */
    Set<String> names();

    /** The single type this selector requires of every match, when there is one (for index use). */
    default java.util.Optional<String> requiredType() {
        return java.util.Optional.empty();
    }

    /** A single type name. */
    record Name(String type) implements TypeSelector {
        @Override
        public boolean test(List<String> types) {
            return types.contains(type);
        }

        @Override
        public Set<String> names() {
            return Set.of(type);
        }

        @Override
        public java.util.Optional<String> requiredType() {
            return java.util.Optional.of(type);
        }
    }

    /** Any of the terms. */
    record AnyOf(List<TypeSelector> terms) implements TypeSelector {
        public AnyOf {
            terms = List.copyOf(terms);
        }

        @Override
        public boolean test(List<String> types) {
            for (TypeSelector t : terms) {
                if (t.test(types)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Set<String> names() {
            java.util.HashSet<String> s = new java.util.HashSet<>();
            terms.forEach(t -> s.addAll(t.names()));
            return s;
        }
    }

    /** All of the terms. */
    record AllOf(List<TypeSelector> terms) implements TypeSelector {
        public AllOf {
            terms = List.copyOf(terms);
        }

        @Override
        public boolean test(List<String> types) {
            for (TypeSelector t : terms) {
                if (!t.test(types)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Set<String> names() {
            java.util.HashSet<String> s = new java.util.HashSet<>();
            terms.forEach(t -> s.addAll(t.names()));
            return s;
        }

        @Override
        public java.util.Optional<String> requiredType() {
            for (TypeSelector t : terms) {
                if (t instanceof Name n) {
                    return java.util.Optional.of(n.type());
                }
            }
            return java.util.Optional.empty();
        }
    }

    /**
     * Parses a type selection, expanding every name with {@code expander}.
     *
     * @throws TwinException BadRequestData on a syntax error
     */
    static TypeSelector parse(String text, UnaryOperator<String> expander) {
        return new Parser(text, expander).parseAll();
    }

    /** Recursive-descent parser: or := and (('|'|',') and)* ; and := atom (';' atom)* ; atom := name | '(' or ')'. */
    final class Parser {
        private final String s;
        private final UnaryOperator<String> expander;
        private int pos;
        private int depth;

        Parser(String s, UnaryOperator<String> expander) {
            this.s = s;
            this.expander = expander;
        }

        TypeSelector parseAll() {
            if (s.isEmpty() || s.length() > 2048) {
                throw fail("a type selection of 1 to 2048 characters");
            }
            TypeSelector t = or();
            if (pos != s.length()) {
                throw fail("',', '|', ';' or the end");
            }
            return t;
        }

        private TypeSelector or() {
            List<TypeSelector> terms = new ArrayList<>();
            terms.add(and());
            while (pos < s.length() && (s.charAt(pos) == '|' || s.charAt(pos) == ',')) {
                pos++;
                terms.add(and());
            }
            return terms.size() == 1 ? terms.get(0) : new AnyOf(terms);
        }

        private TypeSelector and() {
            List<TypeSelector> terms = new ArrayList<>();
            terms.add(atom());
            while (pos < s.length() && s.charAt(pos) == ';') {
                pos++;
                terms.add(atom());
            }
            return terms.size() == 1 ? terms.get(0) : new AllOf(terms);
        }

        private TypeSelector atom() {
            if (pos < s.length() && s.charAt(pos) == '(') {
                if (++depth > 16) {
                    throw fail("at most 16 nested parentheses");
                }
                pos++;
                TypeSelector inner = or();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw fail("')'");
                }
                pos++;
                depth--;
                return inner;
            }
            int start = pos;
            while (pos < s.length() && "|,;()".indexOf(s.charAt(pos)) < 0) {
                char c = s.charAt(pos);
                if (c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '=') {
                    throw fail("a type name (no whitespace, quotes, '<', '>' or '=')");
                }
                pos++;
            }
            if (pos == start) {
                throw fail("a type name");
            }
            return new Name(expander.apply(s.substring(start, pos)));
        }

        private TwinException fail(String expected) {
            return TwinException.badData(
                    "type.syntax", "Invalid type selection at position " + pos + ": expected " + expected);
        }
    }
}
