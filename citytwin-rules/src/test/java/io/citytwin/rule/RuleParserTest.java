package io.citytwin.rule;

import static io.citytwin.rule.Harness.l;
import static io.citytwin.rule.Harness.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Ngsi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RuleParserTest {

    @Test
    void parse_fullRule_givesTheModel() {
        Rule r = RuleParser.parse(
                m(
                        "id", "lighting.lamp-failure",
                        "name", "Lamp failure",
                        "scope", m("types", l("Streetlight"), "q", "powerState==\"on\""),
                        "eventTime", m("grace", "PT2M"),
                        "when",
                                m(
                                        "for",
                                        "PT5M",
                                        "condition",
                                        m("attribute", "powerConsumption", "below", 3, "clear", 5)),
                        "clearWhen", m("attribute", "powerConsumption", "above", 20),
                        "then", l(m("alarm", m("type", "lighting.lamp-failure", "severity", "critical")))),
                "lamp.yaml");
        assertThat(r.domain()).isEqualTo("lighting");
        assertThat(r.version()).isEqualTo(1);
        assertThat(r.enabled()).isTrue();
        assertThat(r.grace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(r.scope().types()).containsExactly(Ngsi.DEFAULT_VOCAB + "Streetlight");
        assertThat(r.condition()).isInstanceOfSatisfying(Condition.For.class, f -> assertThat(f.condition())
                .isEqualTo(new Condition.Threshold(
                        new Value.Attr(Ngsi.DEFAULT_VOCAB + "powerConsumption", 1), Cmp.LT, 3, 5)));
        assertThat(r.clearCondition()).isNotNull();
    }

    @Test
    void parse_invalidRule_reportsEveryProblemWithItsPath() {
        assertThatThrownBy(() -> RuleParser.parse(
                        m(
                                "id", "bad id!",
                                "scope", m("types", l()),
                                "when", m("all", l(m("attribute", "x", "above", "high"), m("frobnicate", 1))),
                                "then", l(m("alarm", m("type", "NoDomain", "severity", "awful"))),
                                "colour", "red"),
                        "rules/bad.yaml"))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
                    assertThat(e.code()).isEqualTo("rule.invalid");
                    assertThat(e.detail()).startsWith("Invalid rule in rules/bad.yaml: ");
                    assertThat(e.problems())
                            .extracting(RuleProblem::path)
                            .contains(
                                    "id",
                                    "scope.types",
                                    "when.all[0].above",
                                    "when.all[1]",
                                    "then[0].alarm.type",
                                    "then[0].alarm.severity",
                                    "colour");
                });
    }

    @Test
    void parse_hysteresisOnTheWrongSide_isAProblem() {
        assertThat(RuleParser.validate(m(
                        "id", "x",
                        "scope", m("types", l("T")),
                        "when", m("attribute", "v", "above", 10, "clear", 12),
                        "then", l(m("emit", m("event", "e"))))))
                .extracting(RuleProblem::path)
                .containsExactly("when.clear");
    }

    @Test
    void parse_badQ_badDuration_badWindow() {
        List<RuleProblem> p = RuleParser.validate(m(
                "id", "x",
                "scope", m("types", l("T"), "q", "a==="),
                "when",
                        m(
                                "all",
                                l(
                                        m("for", "10 minutes", "condition", m("attribute", "v", "above", 1)),
                                        m(
                                                "window",
                                                m("attribute", "v", "function", "median", "size", "PT1M", "count", 3),
                                                "above",
                                                1))),
                "then", l(m("emit", m("event", "e")))));
        assertThat(p)
                .extracting(RuleProblem::path)
                .contains("scope.q", "when.all[0].for", "when.all[1].window.function", "when.all[1].window");
    }

    // ---------------------------------------------------------------- properties

    /** Any tree gives a rule or a RuleException with at least one problem: never another exception. */
    @Property(tries = 500)
    void anyTree_givesARuleOrProblems(@ForAll("trees") Object tree) {
        try {
            Rule r = RuleParser.parse(tree, "p");
            assertThat(r.id()).isNotBlank();
        } catch (RuleException e) {
            assertThat(e.problems()).isNotEmpty();
        }
    }

    /** Mutations of a valid rule give a rule or problems naming a path. */
    @Property(tries = 500)
    void mutatedValidRule_givesARuleOrProblems(@ForAll("mutations") Map<String, Object> tree) {
        List<RuleProblem> problems = RuleParser.validate(tree);
        for (RuleProblem p : problems) {
            assertThat(p.message()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Object> trees() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
                Arbitraries.of("id", "PT5M", "above", "Streetlight", "==", "sliding", "avg", "x.y")
                        .map(s -> (Object) s),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
        return Arbitraries.recursive(() -> leaf, this::container, 4);
    }

    private Arbitrary<Object> container(Arbitrary<Object> inner) {
        Arbitrary<String> keys = Arbitraries.of(
                "id",
                "scope",
                "types",
                "when",
                "then",
                "all",
                "any",
                "not",
                "attribute",
                "above",
                "below",
                "clear",
                "window",
                "function",
                "size",
                "count",
                "for",
                "condition",
                "absent",
                "sequence",
                "within",
                "ewma",
                "robustZ",
                "seasonal",
                "daylight",
                "alarm",
                "type",
                "set",
                "emit",
                "value",
                "compare",
                "left",
                "op",
                "right",
                "related",
                "q",
                "geo",
                "eventTime",
                "grace",
                "percentile");
        return Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l)),
                Arbitraries.maps(keys, inner).ofMaxSize(5).map(mm -> (Object) new LinkedHashMap<>(mm)));
    }

    @Provide
    Arbitrary<Map<String, Object>> mutations() {
        return Arbitraries.of(
                        "id", "scope", "when", "then", "eventTime", "name", "enabled", "version", "clearWhen", "x")
                .flatMap(key -> trees().map(v -> {
                    Map<String, Object> base = m(
                            "id", "a.b",
                            "scope", m("types", l("T")),
                            "when", m("window", m("attribute", "v", "function", "avg", "size", "PT5M"), "above", 1),
                            "then", l(m("alarm", m("type", "a.b"))));
                    base.put(key, v);
                    return base;
                }));
    }
}
