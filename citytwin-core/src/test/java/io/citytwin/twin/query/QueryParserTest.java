package io.citytwin.twin.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryParserTest {

    private static Query parse(String q) {
        return QueryParser.parse(q);
    }

    private static Query.Comparison cmp(String name, Op op, Object value) {
        return new Query.Comparison(AttrPath.of(name), op, new Operand.Literal(value));
    }

    private static Operand operandOf(String q) {
        return ((Query.Comparison) parse(q)).operand();
    }

    private static Object literalOf(String q) {
        return ((Operand.Literal) operandOf(q)).value();
    }

    private static void assertSyntaxError(String q, String code) {
        assertThatThrownBy(() -> parse(q)).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    @Test
    void parse_bareAttribute_givesExists() {
        assertThat(parse("temperature")).isEqualTo(new Query.Exists(AttrPath.of("temperature")));
    }

    @Test
    void parse_bangAttribute_givesNotExists() {
        assertThat(parse("!temperature")).isEqualTo(new Query.NotExists(AttrPath.of("temperature")));
    }

    @Test
    void parse_everyOperator_givesItsOp() {
        assertThat(parse("a==1")).isEqualTo(cmp("a", Op.EQ, 1L));
        assertThat(parse("a!=1")).isEqualTo(cmp("a", Op.NE, 1L));
        assertThat(parse("a>=1")).isEqualTo(cmp("a", Op.GE, 1L));
        assertThat(parse("a>1")).isEqualTo(cmp("a", Op.GT, 1L));
        assertThat(parse("a<=1")).isEqualTo(cmp("a", Op.LE, 1L));
        assertThat(parse("a<1")).isEqualTo(cmp("a", Op.LT, 1L));
        assertThat(parse("a~=x.*"))
                .isEqualTo(new Query.Comparison(AttrPath.of("a"), Op.MATCH, new Operand.Pattern("x.*")));
        assertThat(parse("a!~=x"))
                .isEqualTo(new Query.Comparison(AttrPath.of("a"), Op.NOT_MATCH, new Operand.Pattern("x")));
    }

    @Test
    void parse_semicolonBindsTighterThanPipe() {
        Query q = parse("a;b|c;d");
        assertThat(q)
                .isEqualTo(new Query.Or(List.of(
                        new Query.And(List.of(new Query.Exists(AttrPath.of("a")), new Query.Exists(AttrPath.of("b")))),
                        new Query.And(
                                List.of(new Query.Exists(AttrPath.of("c")), new Query.Exists(AttrPath.of("d")))))));
    }

    @Test
    void parse_parentheses_overridePrecedence() {
        Query q = parse("a;(b|c)");
        assertThat(q)
                .isEqualTo(new Query.And(List.of(
                        new Query.Exists(AttrPath.of("a")),
                        new Query.Or(
                                List.of(new Query.Exists(AttrPath.of("b")), new Query.Exists(AttrPath.of("c")))))));
    }

    @Test
    void parse_nestedSameKind_isFlattened() {
        assertThat(parse("(a;(b;c));d")).isEqualTo(parse("a;b;c;d"));
        assertThat(parse("((a|b)|(c|d))")).isEqualTo(parse("a|b|c|d"));
        assertThat(((Query.And) parse("(a;(b;c));d")).terms()).hasSize(4);
        assertThat(parse("((((a))))")).isEqualTo(parse("a"));
    }

    @Test
    void parse_quotedString_withEscapes() {
        assertThat(literalOf("a==\"he said \\\"hi\\\" \\\\ ok\"")).isEqualTo("he said \"hi\" \\ ok");
        assertThat(literalOf("a==\"x;y|z)\"")).isEqualTo("x;y|z)");
        assertThat(literalOf("a==\"\"")).isEqualTo("");
        assertThat(literalOf("a==\"back\\slash\"")).isEqualTo("back\\slash");
    }

    @Test
    void parse_numbers_giveLongOrDouble() {
        assertThat(literalOf("a==42")).isEqualTo(42L);
        assertThat(literalOf("a==-7")).isEqualTo(-7L);
        assertThat(literalOf("a==3.25")).isEqualTo(3.25);
        assertThat(literalOf("a==-0.5")).isEqualTo(-0.5);
        assertThat(literalOf("a==1e3")).isEqualTo(1000.0);
        assertThat(literalOf("a==1.5E-2")).isEqualTo(0.015);
        assertThat(literalOf("a==2e+2")).isEqualTo(200.0);
        assertThat(literalOf("a==-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(literalOf("a==9223372036854775808")).isEqualTo(9.223372036854775808E18);
    }

    @Test
    void parse_booleans() {
        assertThat(literalOf("a==true")).isEqualTo(true);
        assertThat(literalOf("a!=false")).isEqualTo(false);
    }

    @Test
    void parse_dateTimes_giveInstants() {
        assertThat(literalOf("a>2024-01-01T00:00:00Z")).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(literalOf("a>2024-01-01T02:00:00+02:00")).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(literalOf("a>2024-01-01T00:00:00-0130")).isEqualTo(Instant.parse("2024-01-01T01:30:00Z"));
        assertThat(literalOf("a>2024-01-01T00:00:00.123456Z")).isEqualTo(Instant.parse("2024-01-01T00:00:00.123456Z"));
        assertThat(literalOf("a>2024-01-01T10:15")).isEqualTo(Instant.parse("2024-01-01T10:15:00Z"));
        assertThat(literalOf("a>2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    @Test
    void parse_dateAndTime() {
        assertThat(literalOf("a<2024-03-31")).isEqualTo(LocalDate.of(2024, 3, 31));
        assertThat(literalOf("a<12:30:05")).isEqualTo(LocalTime.of(12, 30, 5));
        assertThat(literalOf("a<12:30:05.5")).isEqualTo(LocalTime.of(12, 30, 5, 500_000_000));
    }

    @Test
    void parse_invalidCalendarValues_areSyntaxErrors() {
        assertSyntaxError("a>2023-02-29T00:00:00Z", "q.syntax");
        assertSyntaxError("a>2024-13-01", "q.syntax");
        assertSyntaxError("a>24:00:00", "q.syntax");
        assertSyntaxError("a>2024-01-01T00:00:00.1234567891Z", "q.syntax");
        assertSyntaxError("a>0000-01-01T00:00:00+01:00", "q.syntax");
    }

    @Test
    void parse_unquotedUri_givesUriLiteral() {
        assertThat(literalOf("refStreet==urn:ngsi-ld:Street:1")).isEqualTo(new Uri("urn:ngsi-ld:Street:1"));
        assertThat(literalOf("a==https://x.org/a?b=c")).isEqualTo(new Uri("https://x.org/a?b=c"));
        assertThat(parse("a==urn:x:1;b")).isInstanceOf(Query.And.class);
    }

    @Test
    void parse_unquotedWord_isSyntaxError() {
        assertSyntaxError("a==hello", "q.syntax");
    }

    @Test
    void parse_range_givesRangeNode() {
        assertThat(operandOf("a==1..5")).isEqualTo(new Operand.Range(new Operand.Literal(1L), new Operand.Literal(5L)));
        assertThat(operandOf("a==1.5..2.5"))
                .isEqualTo(new Operand.Range(new Operand.Literal(1.5), new Operand.Literal(2.5)));
        assertThat(operandOf("a!=\"a\"..\"m\""))
                .isEqualTo(new Operand.Range(new Operand.Literal("a"), new Operand.Literal("m")));
    }

    @Test
    void parse_rangeOfDates_givesRangeNode() {
        assertThat(operandOf("a==2024-01-01..2024-12-31"))
                .isEqualTo(new Operand.Range(
                        new Operand.Literal(LocalDate.of(2024, 1, 1)),
                        new Operand.Literal(LocalDate.of(2024, 12, 31))));
        assertThat(operandOf("a==2024-01-01T00:00:00Z..2024-01-02T00:00:00.5Z"))
                .isEqualTo(new Operand.Range(
                        new Operand.Literal(Instant.parse("2024-01-01T00:00:00Z")),
                        new Operand.Literal(Instant.parse("2024-01-02T00:00:00.5Z"))));
        assertThat(operandOf("a==10:00:00..11:00:00"))
                .isEqualTo(new Operand.Range(
                        new Operand.Literal(LocalTime.of(10, 0)), new Operand.Literal(LocalTime.of(11, 0))));
    }

    @Test
    void parse_valueList_givesValueList() {
        assertThat(operandOf("a==1,\"two\",true,urn:x:3"))
                .isEqualTo(new Operand.ValueList(List.of(
                        new Operand.Literal(1L),
                        new Operand.Literal("two"),
                        new Operand.Literal(true),
                        new Operand.Literal(new Uri("urn:x:3")))));
    }

    @Test
    void parse_rangeOrListAfterOrderingOperator_isSyntaxError() {
        assertSyntaxError("a>1..2", "q.syntax");
        assertSyntaxError("a<1,2", "q.syntax");
        assertSyntaxError("a>true", "q.syntax");
        assertSyntaxError("a<urn:x:1", "q.syntax");
        assertSyntaxError("a==true..false", "q.syntax");
    }

    @Test
    void parse_dottedPath_givesSubAttributesAndMetadata() {
        assertThat(((Query.Comparison) parse("temperature.observedAt>2024-01-01T00:00:00Z")).path())
                .isEqualTo(AttrPath.of("temperature", "observedAt"));
        assertThat(((Query.Exists) parse("a.b.c")).path()).isEqualTo(AttrPath.of("a", "b", "c"));
    }

    @Test
    void parse_compoundKeys_giveTrailingKeys() {
        assertThat(((Query.Comparison) parse("address[addressLocality]==\"Berlin\"")).path())
                .isEqualTo(new AttrPath(List.of("address"), List.of("addressLocality")));
        assertThat(((Query.Exists) parse("a.b[c][d e]")).path())
                .isEqualTo(new AttrPath(List.of("a", "b"), List.of("c", "d e")));
    }

    @Test
    void parse_compactIriNames() {
        assertThat(((Query.Exists) parse("ex:speed")).path()).isEqualTo(AttrPath.of("ex:speed"));
        assertThat(((Query.Exists) parse("a-b_c#d/e")).path()).isEqualTo(AttrPath.of("a-b_c#d/e"));
    }

    @Test
    void parse_fullIriName_keepsDotsInsideIri() {
        AttrPath p =
                ((Query.Comparison) parse("https://smartdatamodels.org/dataModel.Lighting/height.observedAt>1")).path();
        assertThat(p).isEqualTo(AttrPath.of("https://smartdatamodels.org/dataModel.Lighting/height", "observedAt"));
        AttrPath sub = ((Query.Exists) parse("https://x.org/a.https://x.org/b[k]")).path();
        assertThat(sub).isEqualTo(new AttrPath(List.of("https://x.org/a", "https://x.org/b"), List.of("k")));
        assertThat(((Query.Exists) parse("https://x.org/a.b")).path()).isEqualTo(AttrPath.of("https://x.org/a.b"));
    }

    @Test
    void parse_regex_runsToUnescapedDelimiterAtDepthZero() {
        Query q = parse("a~=(?i)^(foo|bar);b");
        assertThat(q).isInstanceOf(Query.And.class);
        Query.Comparison c = (Query.Comparison) ((Query.And) q).terms().get(0);
        assertThat(((Operand.Pattern) c.operand()).regex()).isEqualTo("(?i)^(foo|bar)");
        assertThat(((Operand.Pattern) operandOf("a~=x\\;y\\|z\\)")).regex()).isEqualTo("x\\;y\\|z\\)");
        assertThat(((Operand.Pattern) operandOf("a~=[;|)]+")).regex()).isEqualTo("[;|)]+");
        assertThat(((Operand.Pattern) operandOf("a~=\\Q;|)\\E")).regex()).isEqualTo("\\Q;|)\\E");
        Query grouped = parse("(a~=x|b)");
        assertThat(grouped).isInstanceOf(Query.Or.class);
    }

    @Test
    void parse_invalidRegex_isRegexError() {
        assertSyntaxError("a~=(?<bad", "q.regex");
        assertSyntaxError("a~=x{2,1}", "q.regex");
        assertSyntaxError("a~=", "q.syntax");
    }

    @Test
    void parse_syntaxError_reportsPosition() {
        assertThatThrownBy(() -> parse("a==1;b=2"))
                .isInstanceOf(TwinException.class)
                .hasMessageStartingWith("Invalid q at position 6: expected");
        assertThatThrownBy(() -> parse("a==\"open"))
                .hasMessageStartingWith("Invalid q at position 3: expected a closing");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ";",
                "|",
                "a;",
                "a|",
                ";a",
                "(a",
                "a)",
                "()",
                "(a;b",
                "a==",
                "a=1",
                "a===1",
                "a!",
                "!",
                "!!a",
                "a b",
                " a",
                "a==1 ",
                "a[",
                "a[]",
                "a[b",
                "a.",
                ".a",
                "a..b",
                "a==1..",
                "a==,1",
                "a==1,",
                "a>=<1",
                "a==\"x\"y",
                "a==1x",
                "a==1.",
                "a==1e",
                "a==-",
                "a==--1",
                "a\u0000",
                "a==tru",
                "(a)(b)",
                "a==\"\\\"",
                "!a==1",
                "a~=)",
                "a==2024-01-01T",
                "a==2024-1-01"
            })
    void parse_malformed_isBadRequestData(String q) {
        assertSyntaxError(q, "q.syntax");
    }

    @Test
    void parse_tooLong_isRejected() {
        String q = "a==1" + ";a==1".repeat(1000);
        assertThat(q.length()).isGreaterThan(QueryParser.MAX_LENGTH);
        assertSyntaxError(q, "q.too-long");
        String ok = "a" + ";a".repeat(2047);
        assertThat(ok.length()).isLessThanOrEqualTo(QueryParser.MAX_LENGTH);
        assertThat(parse(ok)).isInstanceOf(Query.And.class);
    }

    @Test
    void parse_tooDeep_isRejected() {
        assertThat(parse("(".repeat(32) + "a" + ")".repeat(32))).isEqualTo(parse("a"));
        assertSyntaxError("(".repeat(33) + "a" + ")".repeat(33), "q.too-deep");
        assertSyntaxError("(".repeat(3000), "q.too-deep");
    }

    @Test
    void parse_null_isBadRequestData() {
        assertThatThrownBy(() -> QueryParser.parse(nullString()))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("q.syntax"));
    }

    @SuppressWarnings("NullAway")
    private static String nullString() {
        return null;
    }

    @Test
    void print_examples_areCanonical() {
        assertThat(parse("a;(b|c)").print()).isEqualTo("a;(b|c)");
        assertThat(parse("((a;b))|c").print()).isEqualTo("a;b|c");
        assertThat(parse("a==\"q\\\"x\"").print()).isEqualTo("a==\"q\\\"x\"");
        assertThat(parse("a>2024-01-01T02:00:00+02:00").print()).isEqualTo("a>2024-01-01T00:00:00Z");
        assertThat(parse("a==10:00:00.500").print()).isEqualTo("a==10:00:00.5");
        assertThat(parse("a==1e3").print()).isEqualTo("a==1000.0");
        assertThat(parse("!a.b[c]").print()).isEqualTo("!a.b[c]");
        assertThat(parse("x==1,2|y!=1..2").print()).isEqualTo("x==1,2|y!=1..2");
    }

    @Test
    void mapNames_expandsNamesButNotMetadataOrKeys() {
        Query q = parse("temperature.accuracy>1;temperature.observedAt>2024-01-01T00:00:00Z;address[locality]==\"B\";"
                + "!createdAt.unitCode;(x|y.datasetId==urn:d:1)");
        Query mapped = q.mapNames(n -> "https://ex.org/" + n);
        assertThat(mapped.print())
                .isEqualTo("https://ex.org/temperature.https://ex.org/accuracy>1;"
                        + "https://ex.org/temperature.observedAt>2024-01-01T00:00:00Z;"
                        + "https://ex.org/address[locality]==\"B\";"
                        + "!https://ex.org/createdAt.unitCode;"
                        + "(https://ex.org/x|https://ex.org/y.datasetId==urn:d:1)");
        assertThat(QueryParser.parse(mapped.print())).isEqualTo(mapped);
    }

    @Test
    void equalityConstraints_collectsSimpleEqualities() {
        Query q = parse("type2==\"Lamp\";status==\"on\";a.b==1;c[d]==2;e==1,2;f==1..3;g>1;status==\"off\";h");
        assertThat(q.equalityConstraints())
                .containsExactly(
                        java.util.Map.entry(AttrPath.of("type2"), new Operand.Literal("Lamp")),
                        java.util.Map.entry(AttrPath.of("status"), new Operand.Literal("on")));
        assertThat(parse("a==1").equalityConstraints()).containsOnlyKeys(AttrPath.of("a"));
        assertThat(parse("a==1|b==2").equalityConstraints()).isEmpty();
        assertThat(parse("a!=1").equalityConstraints()).isEmpty();
        assertThat(parse("(a==1|b);c==2").equalityConstraints()).containsOnlyKeys(AttrPath.of("c"));
    }

    @Test
    void ast_invalidShapes_areRejected() {
        assertThatThrownBy(() -> new Query.And(List.of(new Query.Exists(AttrPath.of("a")))))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Query.Comparison(AttrPath.of("a"), Op.GT, new Operand.Literal(true)))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Query.Comparison(AttrPath.of("a"), Op.MATCH, new Operand.Literal("x")))
                .isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Operand.Pattern("a;b")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Operand.Pattern("(a")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Operand.Pattern("\\Qopen")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Operand.Pattern("a\\")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new Operand.Literal(Double.NaN)).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> AttrPath.of("a.b")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> AttrPath.of("https://x.org/a", "b")).isInstanceOf(TwinException.class);
        assertThatThrownBy(() -> new AttrPath(List.of("a"), List.of("x]"))).isInstanceOf(TwinException.class);
        assertThat(new Operand.Literal(5)).isEqualTo(new Operand.Literal(5L));
    }
}
