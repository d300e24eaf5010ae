package io.citytwin.twin.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property tests of the q parser and printer; jqwik prints the seed of a failing run for replay. */
class QueryPropertiesTest {
    private static final String Q_ALPHABET = ";|()!=<>~.,[]\"'\\ abcxyzAZ0129-+:/#_eETZ" + "\u0000\t\u00e9\u4e2d";

    @Property(tries = 1000)
    void printThenParse_givesTheSameQuery(@ForAll("queries") Query q) {
        String text = q.print();
        assertThat(QueryParser.parse(text)).as(text).isEqualTo(q);
    }

    @Property(tries = 1000)
    void parse_anyAlphabetString_returnsQueryOrBadRequestData(@ForAll("qStrings") String s) {
        assertParsesOrRejects(s);
    }

    @Property(tries = 1000)
    void parse_anyString_returnsQueryOrBadRequestData(@ForAll String s) {
        assertParsesOrRejects(s);
    }

    @Property(tries = 1000)
    void parse_mutatedValidQuery_returnsQueryOrBadRequestData(
            @ForAll("queries") Query q, @ForAll("mutations") List<int[]> edits) {
        StringBuilder sb = new StringBuilder(q.print());
        for (int[] e : edits) {
            int at = sb.isEmpty() ? 0 : Math.floorMod(e[0], sb.length() + 1);
            char c = Q_ALPHABET.charAt(Math.floorMod(e[1], Q_ALPHABET.length()));
            switch (Math.floorMod(e[2], 3)) {
                case 0 -> sb.insert(at, c);
                case 1 -> {
                    if (at < sb.length()) {
                        sb.deleteCharAt(at);
                    }
                }
                default -> {
                    if (at < sb.length()) {
                        sb.setCharAt(at, c);
                    }
                }
            }
        }
        assertParsesOrRejects(sb.toString());
    }

    @Property(tries = 1000)
    void test_anyQuery_neverThrows(@ForAll("queries") Query q) {
        boolean a = q.test(SAMPLE);
        boolean b = q.test(SAMPLE);
        assertThat(a).isEqualTo(b);
    }

    private static void assertParsesOrRejects(String s) {
        Query q;
        try {
            q = QueryParser.parse(s);
        } catch (TwinException e) {
            assertThat(e.type()).as(s).isEqualTo(ErrorType.BAD_REQUEST_DATA);
            assertThat(e.code()).as(s).isIn("q.syntax", "q.regex", "q.too-long", "q.too-deep");
            return;
        }
        assertThat(QueryParser.parse(q.print())).as(s).isEqualTo(q);
        q.test(SAMPLE);
    }

    private static final Entity SAMPLE = Entity.of(EntityId.of("urn:x:1"), "T")
            .withInstance("a", Attribute.property(List.of(1, "x", 2.5)))
            .withInstance("b", Attribute.property(Map.of("c", "2024-01-01T00:00:00Z", "d", Map.of("e", 1))))
            .withInstance(
                    "c",
                    new Attribute(
                            AttributeKind.LANGUAGE_PROPERTY,
                            Json.freeze(Map.of("en", "x", "de", List.of("y", "z"))),
                            "urn:ds:1",
                            Instant.EPOCH,
                            "CEL",
                            Map.of("d", Attribute.property(true)),
                            null,
                            null))
            .withInstance("x", Attribute.relationship("urn:a:b"))
            .withTimes(Instant.EPOCH, Instant.EPOCH);

    @Provide
    Arbitrary<String> qStrings() {
        return Arbitraries.strings().withChars(Q_ALPHABET.toCharArray()).ofMaxLength(40);
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        return Arbitraries.integers()
                .array(int[].class)
                .ofSize(3)
                .list()
                .ofMinSize(1)
                .ofMaxSize(3);
    }

    // ---- AST generators ----

    private static Arbitrary<String> compactNames() {
        return Arbitraries.oneOf(
                Arbitraries.of("a", "b", "x", "temperature", "ex:speed", "a-b", "c_d", "e#f", "g/h", "1"),
                Arbitraries.strings().withChars("abXY09_:/#-").ofMinLength(1).ofMaxLength(6));
    }

    private static Arbitrary<String> iriNames() {
        return Combinators.combine(
                        Arbitraries.of("https://ex.org/", "http://a.b.c/ns.v1/", "urn+x://h/", "s://"),
                        Arbitraries.strings()
                                .withChars("abz09_-./?&=%@")
                                .ofMinLength(1)
                                .ofMaxLength(6))
                .as((p, s) -> p + s)
                .filter(Names::isValidName);
    }

    private static Arbitrary<String> metaNames() {
        return Arbitraries.of(Names.META);
    }

    Arbitrary<AttrPath> paths() {
        Arbitrary<String> any = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, compactNames()),
                net.jqwik.api.Tuple.of(2, iriNames()),
                net.jqwik.api.Tuple.of(2, metaNames()));
        Arbitrary<List<String>> names = any.list().ofMinSize(1).ofMaxSize(3).map(QueryPropertiesTest::fixIriSuccessors);
        Arbitrary<List<String>> keys = Arbitraries.strings()
                .ofMinLength(1)
                .ofMaxLength(5)
                .filter(Names::isValidKey)
                .list()
                .ofMaxSize(2);
        return Combinators.combine(names, keys).as(AttrPath::new);
    }

    /** After a full IRI, a compact non-metadata name cannot be written; turn it into an IRI. */
    private static List<String> fixIriSuccessors(List<String> names) {
        ArrayList<String> out = new ArrayList<>(names);
        for (int i = 1; i < out.size(); i++) {
            if (Names.isIri(out.get(i - 1)) && !Names.isIri(out.get(i)) && Names.metaIndex(out.get(i)) < 0) {
                out.set(i, "https://ex.org/" + out.get(i));
            }
        }
        return out;
    }

    private static Arbitrary<Operand.Literal> comparableLiterals() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().ofMaxLength(8).map(s -> (Object) s),
                        Arbitraries.strings()
                                .withChars("\"\\;|(),. a")
                                .ofMaxLength(6)
                                .map(s -> (Object) s),
                        Arbitraries.longs().map(l -> (Object) l),
                        Arbitraries.doubles().map(d -> (Object) d),
                        Arbitraries.of(0.0, -0.0, 1e300, -1e-300, Double.MIN_VALUE, 123.5)
                                .map(d -> (Object) d),
                        Combinators.combine(
                                        Arbitraries.longs()
                                                .between(IsoTimes.MIN.getEpochSecond(), IsoTimes.MAX.getEpochSecond()),
                                        Arbitraries.integers().between(0, 999_999_999))
                                .as((sec, nano) -> (Object) Instant.ofEpochSecond(sec, nano)),
                        Arbitraries.longs()
                                .between(
                                        LocalDate.of(0, 1, 1).toEpochDay(),
                                        LocalDate.of(9999, 12, 31).toEpochDay())
                                .map(d -> (Object) LocalDate.ofEpochDay(d)),
                        Arbitraries.longs()
                                .between(0, 86_400L * 1_000_000_000L - 1)
                                .map(n -> (Object) LocalTime.ofNanoOfDay(n)),
                        Arbitraries.of(LocalTime.of(10, 0), LocalTime.of(0, 0, 0, 1000))
                                .map(t -> (Object) t))
                .map(Operand.Literal::new);
    }

    private static Arbitrary<Operand.Literal> literals() {
        return Arbitraries.oneOf(
                comparableLiterals(),
                Arbitraries.of(true, false).map(Operand.Literal::new),
                Arbitraries.of("urn:ngsi-ld:Street:1", "https://x.org/a?b=c&d", "urn:x:..y", "a:b")
                        .map(u -> new Operand.Literal(new Uri(u))));
    }

    private static Arbitrary<Operand> equalityOperands() {
        return Arbitraries.oneOf(
                literals().map(l -> (Operand) l),
                Combinators.combine(comparableLiterals(), comparableLiterals()).as(Operand.Range::new),
                literals().list().ofMinSize(2).ofMaxSize(4).map(Operand.ValueList::new));
    }

    private static Arbitrary<Operand.Pattern> patterns() {
        return Arbitraries.oneOf(
                        Arbitraries.of(
                                "x", ".*", "(?i)^ab(c|d)$", "[;|)]+", "a\\;b\\|c\\)", "\\Q;|)\\E", "[a[b]]", "(a(b)c)"),
                        Arbitraries.strings()
                                .withChars("abc.*+?^$09")
                                .ofMinLength(1)
                                .ofMaxLength(6))
                .filter(r -> {
                    try {
                        java.util.regex.Pattern.compile(r);
                        return true;
                    } catch (java.util.regex.PatternSyntaxException e) {
                        return false;
                    }
                })
                .map(Operand.Pattern::new);
    }

    private Arbitrary<Query> leaves() {
        Arbitrary<Query> exists = paths().map(Query.Exists::new);
        Arbitrary<Query> notExists = paths().map(Query.NotExists::new);
        Arbitrary<Query> equality = Combinators.combine(paths(), Arbitraries.of(Op.EQ, Op.NE), equalityOperands())
                .as(Query.Comparison::new);
        Arbitrary<Query> ordering = Combinators.combine(
                        paths(), Arbitraries.of(Op.GT, Op.GE, Op.LT, Op.LE), comparableLiterals())
                .as(Query.Comparison::new);
        Arbitrary<Query> pattern = Combinators.combine(paths(), Arbitraries.of(Op.MATCH, Op.NOT_MATCH), patterns())
                .as(Query.Comparison::new);
        return Arbitraries.oneOf(exists, notExists, equality, ordering, pattern);
    }

    @Provide
    Arbitrary<Query> queries() {
        return Arbitraries.recursive(
                this::leaves,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMinSize(2).ofMaxSize(3).map(Query.And::new),
                        inner.list().ofMinSize(2).ofMaxSize(3).map(Query.Or::new)),
                0,
                4);
    }
}
