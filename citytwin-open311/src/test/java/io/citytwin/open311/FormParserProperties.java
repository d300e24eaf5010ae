package io.citytwin.open311;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Form data and attribute fields: what a client encodes comes back, and no input fails other than with a 400. */
class FormParserProperties {
    @Property(tries = 500)
    void encodedFields_parseBackInOrder(@ForAll("pairs") List<Map.Entry<String, String>> pairs) {
        StringBuilder body = new StringBuilder();
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : pairs) {
            body.append(body.isEmpty() ? "" : "&")
                    .append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
            expected.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p.getValue());
        }
        assertThat(FormParser.parse(body.toString())).isEqualTo(expected);
        assertThat(FormParser.parse(body.toString().getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(expected);
    }

    @Property(tries = 1000)
    void anyInput_parsesOrIsRefusedWith400(@ForAll("raw") String data) {
        try {
            FormParser.parse(data);
        } catch (Open311Exception e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("open311.encoding");
        }
    }

    @Property(tries = 300)
    void anyBytes_parseOrAreRefusedWith400(@ForAll byte[] bytes) {
        try {
            FormParser.parse(bytes);
        } catch (Open311Exception e) {
            assertThat(e.status()).isEqualTo(400);
        }
    }

    @Property(tries = 500)
    void attributeFields_areKeptByCode(@ForAll("attributes") Map<String, List<String>> attrs) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("service_code", List.of("streetlight"));
        attrs.forEach((code, values) -> {
            if (values.size() == 1) {
                form.put("attribute[" + code + "]", values);
            } else {
                form.put("attribute[" + code + "][]", values);
            }
        });
        StringBuilder body = new StringBuilder();
        form.forEach((k, vs) -> vs.forEach(v -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
        assertThat(RequestForm.attributes(FormParser.parse(body.toString()))).isEqualTo(attrs);
    }

    @Example
    void plusIsSpace_andEmptySequencesAreSkipped() {
        assertThat(FormParser.parse("a=1+2&&b=%2B&c&=x"))
                .containsEntry("a", List.of("1 2"))
                .containsEntry("b", List.of("+"))
                .containsEntry("c", List.of(""))
                .containsEntry("", List.of("x"));
    }

    @Example
    void malformedEscapesAndUtf8_areRefused() {
        for (String bad : List.of("a=%", "a=%4", "a=%zz", "a=%E4%B8", "a=%FF", "a=%C0%80")) {
            assertThatThrownBy(() -> FormParser.parse(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            Open311Exception.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Example
    void malformedAttributeNames_areRefused() {
        for (String bad : List.of("attribute[]", "attribute[x", "attribute[x]y", "attribute[x][y]")) {
            assertThatThrownBy(() -> RequestForm.attributes(Map.of(bad, List.of("v"))))
                    .as(bad)
                    .isInstanceOf(Open311Exception.class);
        }
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> pairs() {
        return Combinators.combine(Strings.text(12).filter(s -> !s.isEmpty()), Strings.text(40))
                .as(Map::entry)
                .list()
                .ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> raw() {
        return Arbitraries.strings()
                .withChars("a=&%+[]0123456789ABCDEFabcdefxz\u00e9\u4e2d")
                .ofMaxLength(30);
    }

    @Provide
    Arbitrary<Map<String, List<String>>> attributes() {
        Arbitrary<String> code = Strings.text(10).filter(s -> !s.isEmpty() && s.indexOf(']') < 0);
        Arbitrary<List<String>> values =
                Strings.text(20).filter(s -> !s.isEmpty()).list().ofMinSize(1).ofMaxSize(3);
        return Arbitraries.maps(code, values).ofMaxSize(4);
    }
}
