package io.citytwin.open311;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFormTest {
    static final ServiceDefinition DEF = new ServiceDefinition(
            "bulky",
            List.of(
                    new ServiceDefinition.Attribute(
                            true,
                            "size",
                            ServiceDefinition.Datatype.SINGLEVALUELIST,
                            true,
                            "",
                            1,
                            "How big?",
                            List.of(
                                    new ServiceDefinition.Value("s", "Small"),
                                    new ServiceDefinition.Value("l", "Large"))),
                    new ServiceDefinition.Attribute(
                            true,
                            "items",
                            ServiceDefinition.Datatype.MULTIVALUELIST,
                            false,
                            "",
                            2,
                            "What?",
                            List.of(
                                    new ServiceDefinition.Value("sofa", "Sofa"),
                                    new ServiceDefinition.Value("bed", "Bed"))),
                    new ServiceDefinition.Attribute(
                            true, "count", ServiceDefinition.Datatype.NUMBER, false, "", 3, "How many?", List.of()),
                    new ServiceDefinition.Attribute(
                            true, "seen", ServiceDefinition.Datatype.DATETIME, false, "", 4, "When?", List.of()),
                    new ServiceDefinition.Attribute(
                            false, "note", ServiceDefinition.Datatype.STRING, true, "", 5, "Info only", List.of())));

    static Map<String, List<String>> form(String... kv) {
        Map<String, List<String>> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
        }
        return f;
    }

    @Test
    void completeForm_givesTheRequest() {
        NewRequest r = RequestForm.parse(
                form(
                        "service_code", "bulky",
                        "lat", " 52.5 ",
                        "long", "13.4",
                        "description", "Old sofa",
                        "attribute[size]", "l",
                        "attribute[items][]", "sofa",
                        "attribute[items][]", "bed",
                        "attribute[count]", "2",
                        "attribute[seen]", "2026-01-01T08:00:00+01:00",
                        "attribute[extra]", "kept",
                        "media_url", "https://example.org/p.jpg",
                        "email", "a@example.org"),
                DEF);
        assertThat(r.location()).isEqualTo(new GeoPoint(52.5, 13.4));
        assertThat(r.attributes().get("items")).containsExactly("sofa", "bed");
        assertThat(r.attribute("extra")).isEqualTo("kept");
        assertThat(r.email()).isEqualTo("a@example.org");
        assertThat(r.addressString()).isEmpty();
    }

    @Test
    void location_oneOfThreeForms_isRequired() {
        assertCode(form("attribute[size]", "s"), "open311.location-missing");
        assertCode(form("lat", "52", "attribute[size]", "s"), "open311.location");
        assertCode(form("lat", "52", "long", "x", "attribute[size]", "s"), "open311.number");
        assertCode(form("lat", "52", "long", "NaN", "attribute[size]", "s"), "open311.number");
        assertCode(form("lat", "-91", "long", "0", "attribute[size]", "s"), "open311.location");
        assertThat(RequestForm.parse(form("address_id", "A-17", "attribute[size]", "s"), DEF)
                        .addressId())
                .isEqualTo("A-17");
        assertThat(RequestForm.parse(form("address_string", "1 Main St", "lat", "", "attribute[size]", "s"), DEF)
                        .location())
                .isNull();
    }

    @Test
    void attributes_areCheckedAgainstTheDefinition() {
        assertCode(form("address_id", "1"), "open311.attribute-required");
        assertCode(form("address_id", "1", "attribute[size]", ""), "open311.attribute-required");
        assertCode(form("address_id", "1", "attribute[size]", "xl"), "open311.attribute-value");
        assertCode(
                form("address_id", "1", "attribute[size][]", "s", "attribute[size][]", "l"), "open311.attribute-value");
        assertCode(
                form("address_id", "1", "attribute[size]", "s", "attribute[items][]", "chair"),
                "open311.attribute-value");
        assertCode(form("address_id", "1", "attribute[size]", "s", "attribute[count]", "two"), "open311.number");
        assertCode(form("address_id", "1", "attribute[size]", "s", "attribute[seen]", "today"), "open311.date");
    }

    @Test
    void descriptionAndMediaUrl_areChecked() {
        assertCode(
                form("address_id", "1", "attribute[size]", "s", "description", "x".repeat(4001)),
                "open311.description-too-long");
        assertThat(RequestForm.parse(
                                form("address_id", "1", "attribute[size]", "s", "description", "x".repeat(4000)), DEF)
                        .description())
                .hasSize(4000);
        assertCode(
                form("address_id", "1", "attribute[size]", "s", "media_url", "javascript:alert(1)"),
                "open311.media-url");
        assertCode(form("address_id", "1", "attribute[size]", "s", "media_url", "not a url"), "open311.media-url");
        assertCode(
                form("address_id", "1", "attribute[size]", "s", "email", "x".repeat(2001)), "open311.field-too-long");
    }

    @Test
    void serviceCode_isRequired() {
        assertThatThrownBy(() -> RequestForm.serviceCode(form("service_code", " ")))
                .isInstanceOfSatisfying(
                        Open311Exception.class, e -> assertThat(e.code()).isEqualTo("open311.service-code-missing"));
        assertThat(RequestForm.serviceCode(form("service_code", "road"))).isEqualTo("road");
    }

    private static void assertCode(Map<String, List<String>> form, String code) {
        assertThatThrownBy(() -> RequestForm.parse(form, DEF))
                .as(form.toString())
                .isInstanceOfSatisfying(Open311Exception.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.status()).isEqualTo(400);
                });
    }
}
