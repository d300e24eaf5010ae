package io.citytwin.testkit.open311;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Open311 GeoReport v2 conformance suite (wiki.open311.org/GeoReport_v2) and the opinion-feed checks (contract
 * D), run through a real HTTP client against a running node. Every resource is read in JSON and in XML; XML is parsed
 * with a real parser and its structure checked (root element, one element per item, the spec's field elements);
 * every error case is checked for the spec's error format and status.
 *
 * <p>To run it against a node, extend it and say where the node is ({@link #baseUri()}) and which api key may POST
 * ({@link #apiKey()}). The suite only needs the services the node lists; checks that need something a node may not
 * have (a service with a required attribute, a batch service, a configured jurisdiction, a way to close a request)
 * are skipped when it is absent. Requests the suite creates carry the description prefix {@code conformance:}.
 */
public abstract class Open311Conformance {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V2 = "/open311/v2/";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The node's root URL, e.g. {@code http://127.0.0.1:8080}. */
    protected abstract URI baseUri();

    /** An api key the node accepts for POST requests; "" when the node needs none. */
    protected abstract String apiKey();

    /** The node's configured {@code jurisdiction_id}, or "" when it has none (then that check is skipped). */
    protected String jurisdictionId() {
        return "";
    }

    /**
     * Closes request {@code id} with {@code notes} the way the city would (an operator resolving it); return false
     * when the node under test offers no way to (the status checks that need a closed request are then skipped).
     */
    protected boolean closeRequest(String id, String notes) {
        return false;
    }

    // ---------------------------------------------------------------- discovery

    @Test
    public void discovery_json_listsTheV2EndpointWithBothFormats() {
        Res r = get("discovery.json");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.contentType).startsWith("application/json").containsIgnoringCase("charset=utf-8");
        JsonNode d = r.json();
        assertThat(d.isObject()).isTrue();
        assertThat(d.has("changeset")).isTrue();
        assertThat(d.has("contact")).isTrue();
        assertThat(d.has("key_service")).isTrue();
        JsonNode ep = d.get("endpoints").get(0);
        assertThat(ep.get("specification").asText()).isEqualTo("http://wiki.open311.org/GeoReport_v2");
        assertThat(ep.get("url").asText()).endsWith("/open311/v2");
        assertThat(ep.get("type").asText()).isIn("production", "test");
        assertThat(texts(ep.get("formats"))).contains("text/xml", "application/json");
        assertW3c(d.get("changeset").asText());
    }

    @Test
    public void discovery_xml_hasTheSpecsStructure() {
        Res r = get("discovery.xml");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.contentType).startsWith("text/xml").containsIgnoringCase("charset=utf-8");
        assertThat(r.text()).startsWith("<?xml").contains("encoding=\"UTF-8\"");
        Element root = r.xml().getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("discovery");
        assertThat(childNames(root)).contains("changeset", "contact", "key_service", "endpoints");
        Element ep = children(child(root, "endpoints"), "endpoint").get(0);
        assertThat(childNames(ep)).contains("specification", "url", "changeset", "type", "formats");
        assertThat(children(child(ep, "formats"), "format").stream()
                        .map(Node::getTextContent)
                        .toList())
                .contains("text/xml", "application/json");
    }

    // ---------------------------------------------------------------- services

    @Test
    public void services_jsonAndXml_listTheSameServicesWithTheSpecsFields() {
        Res j = get("services.json");
        assertThat(j.status).isEqualTo(200);
        JsonNode list = j.json();
        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isPositive();
        List<String> codes = new ArrayList<>();
        for (JsonNode s : list) {
            for (String f : List.of("service_code", "service_name", "description", "keywords", "group")) {
                assertThat(s.has(f)).as("service field %s in %s", f, s).isTrue();
            }
            assertThat(s.get("metadata").isBoolean()).isTrue();
            assertThat(s.get("type").asText()).isIn("realtime", "batch", "blackbox");
            codes.add(s.get("service_code").asText());
        }
        Res x = get("services.xml");
        assertThat(x.status).isEqualTo(200);
        Element root = x.xml().getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("services");
        List<Element> services = children(root, "service");
        assertThat(childNames(root)).containsOnly("service");
        List<String> xmlCodes = new ArrayList<>();
        for (Element s : services) {
            assertThat(childNames(s))
                    .contains("service_code", "service_name", "description", "metadata", "type", "keywords", "group");
            assertThat(text(s, "metadata")).isIn("true", "false");
            xmlCodes.add(text(s, "service_code"));
        }
        assertThat(xmlCodes).isEqualTo(codes);
    }

    @Test
    public void services_formatParameter_isTheFallbackWithoutExtension() {
        Res r = get("services?format=json");
        assertThat(r.status).isEqualTo(200);
        assertThat(r.json().isArray()).isTrue();
        Res x = get("services?format=xml");
        assertThat(x.xml().getDocumentElement().getTagName()).isEqualTo("services");
    }

    @Test
    public void serviceDefinition_jsonAndXml_forEveryServiceWithMetadata() {
        for (JsonNode s : get("services.json").json()) {
            if (!s.get("metadata").asBoolean()) {
                continue;
            }
            String code = s.get("service_code").asText();
            Res j = get("services/" + enc(code) + ".json");
            assertThat(j.status).as(code).isEqualTo(200);
            JsonNode d = j.json();
            assertThat(d.get("service_code").asText()).isEqualTo(code);
            assertThat(d.get("attributes").isArray()).isTrue();
            int last = 0;
            for (JsonNode a : d.get("attributes")) {
                assertThat(a.get("variable").isBoolean()).isTrue();
                assertThat(a.get("required").isBoolean()).isTrue();
                assertThat(a.get("code").asText()).isNotEmpty();
                assertThat(a.get("datatype").asText())
                        .isIn("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist");
                assertThat(a.get("order").asInt()).isGreaterThanOrEqualTo(last);
                last = a.get("order").asInt();
                assertThat(a.has("description")).isTrue();
                assertThat(a.has("datatype_description")).isTrue();
                if (a.get("datatype").asText().endsWith("valuelist")) {
                    assertThat(a.get("values").size()).isPositive();
                    for (JsonNode v : a.get("values")) {
                        assertThat(v.has("key") && v.has("name")).isTrue();
                    }
                }
            }
            Element root = get("services/" + enc(code) + ".xml").xml().getDocumentElement();
            assertThat(root.getTagName()).isEqualTo("service_definition");
            assertThat(text(root, "service_code")).isEqualTo(code);
            List<Element> attrs = children(child(root, "attributes"), "attribute");
            assertThat(attrs).hasSize(d.get("attributes").size());
            for (Element a : attrs) {
                assertThat(childNames(a))
                        .contains(
                                "variable",
                                "code",
                                "datatype",
                                "required",
                                "datatype_description",
                                "order",
                                "description");
                Element values = child(a, "values");
                for (Element v : children(values, "value")) {
                    assertThat(childNames(v)).containsExactly("key", "name");
                }
            }
        }
    }

    @Test
    public void serviceDefinition_unknownCode_is404InBothFormats() {
        assertError(get("services/no-such-service-x.json"), 404, true);
        assertError(get("services/no-such-service-x.xml"), 404, false);
    }

    @Test
    public void unknownResourceAndFormat_are404InTheErrorFormat() {
        assertError(get("nothing-here.json"), 404, true);
        assertError(get("nothing-here.xml"), 404, false);
        assertThat(get("services.csv").status).isEqualTo(404);
    }

    // ---------------------------------------------------------------- POST requests

    @Test
    public void post_formLikeTheSimulator_createsARequestReadableInJsonAndXml() {
        Map<String, List<String>> f = plainForm("conformance: lamp out at the corner");
        f.put("device_id", List.of("citytwin-sim"));
        f.put("attribute[language]", List.of("en"));
        f.put("attribute[kind]", List.of("report"));
        f.put("attribute[requested_datetime]", List.of("2026-01-01T08:00:00Z"));
        String id = submit(f, true);
        Res j = get("requests/" + enc(id) + ".json");
        assertThat(j.status).isEqualTo(200);
        JsonNode arr = j.json();
        assertThat(arr.isArray()).isTrue();
        assertThat(arr.size()).isEqualTo(1);
        JsonNode r = arr.get(0);
        assertThat(r.get("service_request_id").asText()).isEqualTo(id);
        assertThat(r.get("status").asText()).isIn("open", "closed");
        assertThat(r.get("service_code").asText()).isEqualTo(plainService());
        assertThat(r.get("description").asText()).isEqualTo("conformance: lamp out at the corner");
        assertThat(r.get("lat").asDouble()).isCloseTo(52.5201, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.get("long").asDouble()).isCloseTo(13.4051, org.assertj.core.data.Offset.offset(1e-6));
        for (String field : List.of(
                "status_notes",
                "service_name",
                "agency_responsible",
                "service_notice",
                "requested_datetime",
                "updated_datetime",
                "expected_datetime",
                "address",
                "address_id",
                "zipcode",
                "media_url")) {
            assertThat(r.has(field)).as(field).isTrue();
        }
        assertW3c(r.get("requested_datetime").asText());
        assertW3c(r.get("updated_datetime").asText());

        Element root = get("requests/" + enc(id) + ".xml").xml().getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("service_requests");
        List<Element> reqs = children(root, "request");
        assertThat(reqs).hasSize(1);
        Element x = reqs.get(0);
        assertThat(childNames(x))
                .contains(
                        "service_request_id",
                        "status",
                        "status_notes",
                        "service_name",
                        "service_code",
                        "description",
                        "agency_responsible",
                        "service_notice",
                        "requested_datetime",
                        "updated_datetime",
                        "expected_datetime",
                        "address",
                        "address_id",
                        "zipcode",
                        "lat",
                        "long",
                        "media_url");
        assertThat(text(x, "service_request_id")).isEqualTo(id);
        assertThat(text(x, "description")).isEqualTo("conformance: lamp out at the corner");
        assertThat(Double.parseDouble(text(x, "lat"))).isCloseTo(52.5201, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    public void post_xml_answersServiceRequestsWithTheIdOrToken() {
        Res r = postForm("requests.xml", encode(plainForm("conformance: xml answer")));
        assertThat(r.status).isEqualTo(200);
        Element root = r.xml().getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("service_requests");
        Element req = children(root, "request").get(0);
        List<String> names = childNames(req);
        assertThat(names).containsAnyOf("service_request_id", "token");
        assertThat(names.contains("service_request_id") && names.contains("token"))
                .as("id or token, not both")
                .isFalse();
    }

    @Test
    public void post_jsonBody_withAttributeObject_isAccepted() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("service_code", plainService());
        body.put("lat", 52.51);
        body.put("long", 13.39);
        body.put("description", "conformance: json body");
        if (!apiKey().isEmpty()) {
            body.put("api_key", apiKey());
        }
        Res r = send(HttpRequest.newBuilder(uri("requests.json"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body)))
                .build());
        assertThat(r.status).as(r.text()).isEqualTo(200);
        JsonNode a = r.json().get(0);
        assertThat(a.has("service_request_id") || a.has("token")).isTrue();
    }

    @Test
    public void post_addressOnly_isAValidLocation() {
        Map<String, List<String>> f = plainForm("conformance: address only");
        f.remove("lat");
        f.remove("long");
        f.put("address_string", List.of("1 Main Street, Centre"));
        Res r = postForm("requests.json", encode(f));
        assertThat(r.status).as(r.text()).isEqualTo(200);
    }

    @Test
    public void post_unicodeAndMarkup_roundTripInJsonAndXml() {
        String text = "conformance: 路灯不亮 – Straßenlaterne kaputt <b>&amp;</b> \"quoted\" 'x' \u0001";
        String id = submit(plainForm(text), false);
        String json = get("requests/" + enc(id) + ".json")
                .json()
                .get(0)
                .get("description")
                .asText();
        assertThat(json).startsWith("conformance: 路灯不亮 – Straßenlaterne kaputt <b>&amp;</b> \"quoted\" 'x'");
        Element x = children(get("requests/" + enc(id) + ".xml").xml().getDocumentElement(), "request")
                .get(0);
        String xml = text(x, "description");
        assertThat(xml).startsWith("conformance: 路灯不亮 – Straßenlaterne kaputt <b>&amp;</b> \"quoted\" 'x'");
    }

    @Test
    public void post_withoutApiKey_is403() {
        assumeTrue(!apiKey().isEmpty(), "the node needs no api key");
        Map<String, List<String>> f = plainForm("conformance: no key");
        f.remove("api_key");
        assertError(postForm("requests.json", encode(f)), 403, true);
        assertError(postForm("requests.xml", encode(f)), 403, false);
    }

    @Test
    public void post_withWrongApiKey_is403() {
        assumeTrue(!apiKey().isEmpty(), "the node needs no api key");
        Map<String, List<String>> f = plainForm("conformance: wrong key");
        f.put("api_key", List.of(apiKey() + "-wrong"));
        assertError(postForm("requests.json", encode(f)), 403, true);
        assertError(postForm("requests.xml", encode(f)), 403, false);
    }

    @Test
    public void post_unknownServiceCode_is404_missingServiceCode_is400() {
        Map<String, List<String>> f = plainForm("conformance: unknown service");
        f.put("service_code", List.of("no-such-service-x"));
        assertError(postForm("requests.json", encode(f)), 404, true);
        assertError(postForm("requests.xml", encode(f)), 404, false);
        f.remove("service_code");
        assertError(postForm("requests.json", encode(f)), 400, true);
        assertError(postForm("requests.xml", encode(f)), 400, false);
    }

    @Test
    public void post_withoutLocation_is400() {
        Map<String, List<String>> f = plainForm("conformance: nowhere");
        f.remove("lat");
        f.remove("long");
        f.remove("address_string");
        f.put("address_id", List.of(""));
        assertError(postForm("requests.json", encode(f)), 400, true);
        assertError(postForm("requests.xml", encode(f)), 400, false);
        f.put("lat", List.of("52.5"));
        assertError(postForm("requests.json", encode(f)), 400, true);
        f.put("long", List.of("east"));
        assertError(postForm("requests.json", encode(f)), 400, true);
        f.put("long", List.of("13.4"));
        f.put("lat", List.of("95"));
        assertError(postForm("requests.json", encode(f)), 400, true);
    }

    @Test
    public void post_descriptionOver4000Characters_is400() {
        Map<String, List<String>> f = plainForm("conformance: " + "x".repeat(4001));
        assertError(postForm("requests.json", encode(f)), 400, true);
    }

    @Test
    public void post_missingRequiredAttribute_is400_andWithIt_isAccepted() {
        Optional<JsonNode[]> found = serviceWithRequiredAttribute();
        assumeTrue(found.isPresent(), "no service has a required attribute");
        String code = found.get()[0].get("service_code").asText();
        JsonNode attr = found.get()[1];
        Map<String, List<String>> f = plainForm("conformance: required attribute");
        f.put("service_code", List.of(code));
        assertError(postForm("requests.json", encode(f)), 400, true);
        assertError(postForm("requests.xml", encode(f)), 400, false);
        f.put("attribute[" + attr.get("code").asText() + "]", List.of(validValue(attr)));
        Res ok = postForm("requests.json", encode(f));
        assertThat(ok.status).as(ok.text()).isEqualTo(200);
    }

    @Test
    public void post_listAttributeOutsideItsValues_is400() {
        String code = null;
        String attr = null;
        for (JsonNode s : get("services.json").json()) {
            if (!s.get("metadata").asBoolean()) {
                continue;
            }
            for (JsonNode a : get("services/" + enc(s.get("service_code").asText()) + ".json")
                    .json()
                    .get("attributes")) {
                if (a.get("datatype").asText().equals("singlevaluelist")
                        && !requiresOtherAttributes(
                                s.get("service_code").asText(), a.get("code").asText())) {
                    code = s.get("service_code").asText();
                    attr = a.get("code").asText();
                }
            }
        }
        assumeTrue(code != null, "no service has a single-value list attribute");
        Map<String, List<String>> f = plainForm("conformance: bad list value");
        f.put("service_code", List.of(code));
        f.put("attribute[" + attr + "]", List.of("no-such-value-x"));
        assertError(postForm("requests.json", encode(f)), 400, true);
    }

    @Test
    public void post_malformedEncoding_is400_notACrash() {
        String base = encode(plainForm("conformance: encoding"));
        assertError(postForm("requests.json", base + "&description=%E4%B8"), 400, true);
        assertError(postForm("requests.json", base + "&description=%zz"), 400, true);
        byte[] latin1 = (base + "&address_string=Stra\u00dfe").getBytes(StandardCharsets.ISO_8859_1);
        Res r = send(HttpRequest.newBuilder(uri("requests.json"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1))
                .build());
        assertError(r, 400, true);
        Res badJson = send(HttpRequest.newBuilder(uri("requests.json"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"service_code\": "))
                .build());
        assertError(badJson, 400, true);
    }

    @Test
    public void post_oversizedBody_is413_notACrash() {
        String big = encode(plainForm("conformance: big")) + "&pad=" + "x".repeat(2 * 1024 * 1024);
        Res r = postForm("requests.json", big);
        assertThat(r.status).isEqualTo(413);
        assertThat(get("services.json").status).isEqualTo(200);
    }

    @Test
    public void post_unsupportedMediaType_isRefused() {
        Res r = send(HttpRequest.newBuilder(uri("requests.json"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(encode(plainForm("conformance: text"))))
                .build());
        assertThat(r.status).isEqualTo(415);
        assertThat(r.json().get(0).get("code").asInt()).isEqualTo(415);
    }

    // ---------------------------------------------------------------- GET requests

    @Test
    public void requests_byIdList_overridesOtherArguments() {
        String a = submit(plainForm("conformance: list a"), false);
        String b = submit(plainForm("conformance: list b"), false);
        Res r = get("requests.json?service_request_id=" + enc(a + "," + b) + "&status=closed&service_code=zzz");
        assertThat(r.status).isEqualTo(200);
        assertThat(ids(r.json())).containsExactlyInAnyOrder(a, b);
        Element root =
                get("requests.xml?service_request_id=" + enc(a + "," + b)).xml().getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("service_requests");
        assertThat(children(root, "request").stream()
                        .map(e -> text(e, "service_request_id"))
                        .toList())
                .containsExactlyInAnyOrder(a, b);
    }

    @Test
    public void requests_defaultRange_andServiceCodeAndStatusFilters() {
        String id = submit(plainForm("conformance: filters"), false);
        assertThat(ids(get("requests.json").json())).contains(id);
        assertThat(ids(get("requests.json?service_code=" + enc(plainService())).json()))
                .contains(id);
        assertThat(ids(get("requests.json?service_code=no-such-service-x").json()))
                .doesNotContain(id);
        assertThat(ids(get("requests.json?status=open").json())).contains(id);
        assertThat(ids(get("requests.json?status=closed").json())).doesNotContain(id);
        assertThat(ids(get("requests.json?status=open,closed").json())).contains(id);
        Element root = get("requests.xml?status=open").xml().getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("service_requests");
        assertThat(childNames(root)).containsOnly("request");
    }

    @Test
    public void requests_closedRequest_isFoundByStatusClosed_withItsNotes() {
        String id = submit(plainForm("conformance: to close"), false);
        assumeTrue(closeRequest(id, "Duplicate request."), "the node under test cannot close requests");
        JsonNode r = get("requests/" + enc(id) + ".json").json().get(0);
        assertThat(r.get("status").asText()).isEqualTo("closed");
        assertThat(r.get("status_notes").asText()).isEqualTo("Duplicate request.");
        assertThat(ids(get("requests.json?status=closed").json())).contains(id);
        assertThat(ids(get("requests.json?status=open").json())).doesNotContain(id);
    }

    @Test
    public void requests_dateRange_isCheckedAndApplied() {
        String id = submit(plainForm("conformance: dates"), false);
        // the node under test runs on its own (real) clock; a day either side absorbs any skew with this one
        Instant now = Instant.now();
        String from = now.minus(Duration.ofDays(1)).toString();
        String to = now.plus(Duration.ofDays(1)).toString();
        assertThat(ids(get("requests.json?start_date=" + enc(from) + "&end_date=" + enc(to))
                        .json()))
                .contains(id);
        String oldFrom = "2010-01-01T00:00:00Z";
        String oldTo = "2010-02-01T00:00:00+01:00";
        assertThat(ids(get("requests.json?start_date=" + enc(oldFrom) + "&end_date=" + enc(oldTo))
                        .json()))
                .doesNotContain(id);
        assertError(get("requests.json?start_date=2010-01-01T00:00:00Z&end_date=2010-06-01T00:00:00Z"), 400, true);
        assertError(get("requests.xml?start_date=2010-02-01T00:00:00Z&end_date=2010-01-01T00:00:00Z"), 400, false);
        assertError(get("requests.json?start_date=yesterday"), 400, true);
        assertError(get("requests.json?end_date=2010-01-01T00:00:00"), 400, true);
    }

    @Test
    public void requests_badStatus_is400() {
        assertError(get("requests.json?status=pending"), 400, true);
        assertError(get("requests.xml?status=pending"), 400, false);
    }

    @Test
    public void request_unknownId_is404InBothFormats() {
        assertError(get("requests/no-such-request-x.json"), 404, true);
        assertError(get("requests/no-such-request-x.xml"), 404, false);
    }

    @Test
    public void requests_neverMoreThan1000() {
        assertThat(get("requests.json").json().size()).isLessThanOrEqualTo(1000);
    }

    // ---------------------------------------------------------------- tokens and jurisdiction

    @Test
    public void token_unknown_is404InBothFormats() {
        assertError(get("tokens/no-such-token-x.json"), 404, true);
        assertError(get("tokens/no-such-token-x.xml"), 404, false);
    }

    @Test
    public void token_ofABatchService_resolvesToTheRequest() {
        String batch = null;
        for (JsonNode s : get("services.json").json()) {
            if (s.get("type").asText().equals("batch")
                    && !hasRequired(s.get("service_code").asText())) {
                batch = s.get("service_code").asText();
            }
        }
        assumeTrue(batch != null, "no batch service");
        Map<String, List<String>> f = plainForm("conformance: batch");
        f.put("service_code", List.of(batch));
        JsonNode a = postForm("requests.json", encode(f)).json().get(0);
        assertThat(a.has("token")).isTrue();
        assertThat(a.has("service_request_id")).isFalse();
        String token = a.get("token").asText();
        JsonNode t = get("tokens/" + enc(token) + ".json").json().get(0);
        assertThat(t.get("token").asText()).isEqualTo(token);
        String id = t.get("service_request_id").asText();
        Element x = children(get("tokens/" + enc(token) + ".xml").xml().getDocumentElement(), "request")
                .get(0);
        assertThat(text(x, "token")).isEqualTo(token);
        assertThat(text(x, "service_request_id")).isEqualTo(id);
        assertThat(get("requests/" + enc(id) + ".json").status).isEqualTo(200);
    }

    @Test
    public void jurisdiction_other_is404_own_isAccepted() {
        assumeTrue(!jurisdictionId().isEmpty(), "the node has no jurisdiction_id");
        assertThat(get("services.json?jurisdiction_id=" + enc(jurisdictionId())).status)
                .isEqualTo(200);
        assertError(get("services.json?jurisdiction_id=elsewhere.example"), 404, true);
        assertError(get("services.xml?jurisdiction_id=elsewhere.example"), 404, false);
        Map<String, List<String>> f = plainForm("conformance: elsewhere");
        f.put("jurisdiction_id", List.of("elsewhere.example"));
        assertError(postForm("requests.json", encode(f)), 404, true);
    }

    // ---------------------------------------------------------------- opinion feed

    @Test
    public void opinions_post_is202_andListedNewestFirst() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("text", "conformance: 公园里的灯太暗了");
        o.put("language", "zh");
        o.put("location", Map.of("type", "Point", "coordinates", List.of(13.40, 52.52)));
        o.put("source", "weibo");
        o.put("author", "someone");
        o.put("postedAt", "2026-01-01T08:00:00+08:00");
        Res r = postJson("/api/v1/opinions", json(o));
        assertThat(r.status).as(r.text()).isEqualTo(202);
        String id = r.json().get("id").asText();
        assertThat(id).isNotEmpty();
        Res minimal = postJson("/api/v1/opinions", "{\"text\": \"conformance: second\"}");
        assertThat(minimal.status).isEqualTo(202);
        JsonNode list = send(HttpRequest.newBuilder(baseUri().resolve("/api/v1/opinions?limit=1000"))
                        .GET()
                        .build())
                .json()
                .get("opinions");
        List<String> ids = new ArrayList<>();
        list.forEach(n -> ids.add(n.get("id").asText()));
        assertThat(ids).contains(id, minimal.json().get("id").asText());
        assertThat(ids.indexOf(minimal.json().get("id").asText())).isLessThan(ids.indexOf(id));
        JsonNode mine = list.get(ids.indexOf(id));
        assertThat(mine.get("text").asText()).isEqualTo("conformance: 公园里的灯太暗了");
        assertThat(mine.get("location").get("coordinates").get(0).asDouble()).isEqualTo(13.40);
    }

    @Test
    public void opinions_badInput_isAProblem() {
        assertProblem(postJson("/api/v1/opinions", "{\"language\": \"en\"}"), 400);
        assertProblem(postJson("/api/v1/opinions", "{\"text\": \"\"}"), 400);
        assertProblem(postJson("/api/v1/opinions", "{\"text\": 5}"), 400);
        assertProblem(postJson("/api/v1/opinions", "{\"text\": \"x\", \"location\": {\"type\": \"Point\"}}"), 400);
        assertProblem(
                postJson(
                        "/api/v1/opinions",
                        "{\"text\": \"x\", \"location\": {\"type\": \"Point\", \"coordinates\": [200, 10]}}"),
                400);
        assertProblem(postJson("/api/v1/opinions", "{\"text\": \"x\", \"postedAt\": \"last week\"}"), 400);
        assertProblem(postJson("/api/v1/opinions", "{\"text\": \"x\", \"language\": \"English!\"}"), 400);
        assertProblem(postJson("/api/v1/opinions", "[1, 2]"), 400);
        assertProblem(postJson("/api/v1/opinions", "{not json"), 400);
        assertProblem(
                send(HttpRequest.newBuilder(baseUri().resolve("/api/v1/opinions"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("hello"))
                        .build()),
                415);
        assertProblem(
                send(HttpRequest.newBuilder(baseUri().resolve("/api/v1/opinions?limit=0"))
                        .GET()
                        .build()),
                400);
    }

    // ---------------------------------------------------------------- helpers

    /** A response. */
    protected record Res(int status, String contentType, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + text(), e);
            }
        }

        public Document xml() {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
                f.setNamespaceAware(false);
                return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            } catch (Exception e) {
                throw new AssertionError("Not well-formed XML: " + text(), e);
            }
        }
    }

    protected final URI uri(String path) {
        return baseUri().resolve(V2 + path);
    }

    protected final Res get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    protected final Res postForm(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    protected final Res postJson(String absolutePath, String body) {
        return send(HttpRequest.newBuilder(baseUri().resolve(absolutePath))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    protected final Res send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Res(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Submits {@code form} and answers the new request's id (through the token for a batch service). */
    protected final String submit(Map<String, List<String>> form, boolean asXml) {
        Res r = postForm(asXml ? "requests.xml" : "requests.json", encode(form));
        assertThat(r.status).as(r.text()).isEqualTo(200);
        String id;
        String token;
        if (asXml) {
            Element req = children(r.xml().getDocumentElement(), "request").get(0);
            id = childNames(req).contains("service_request_id") ? text(req, "service_request_id") : "";
            token = childNames(req).contains("token") ? text(req, "token") : "";
        } else {
            JsonNode a = r.json().get(0);
            id = a.path("service_request_id").asText("");
            token = a.path("token").asText("");
        }
        if (id.isEmpty() && !token.isEmpty()) {
            id = get("tokens/" + enc(token) + ".json")
                    .json()
                    .get(0)
                    .get("service_request_id")
                    .asText();
        }
        assertThat(id).as("service_request_id of %s", r.text()).isNotEmpty();
        return id;
    }

    /** A form for {@link #plainService()} at a fixed point, with the api key. */
    protected final Map<String, List<String>> plainForm(String description) {
        Map<String, List<String>> f = new LinkedHashMap<>();
        if (!apiKey().isEmpty()) {
            f.put("api_key", new ArrayList<>(List.of(apiKey())));
        }
        f.put("service_code", new ArrayList<>(List.of(plainService())));
        f.put("lat", new ArrayList<>(List.of("52.5201")));
        f.put("long", new ArrayList<>(List.of("13.4051")));
        f.put("address_string", new ArrayList<>(List.of("Alexanderplatz 1, Mitte")));
        f.put("description", new ArrayList<>(List.of(description)));
        return f;
    }

    private String plainService;

    /** A realtime service without required attributes (else any without required attributes). */
    protected final synchronized String plainService() {
        if (plainService == null) {
            String any = null;
            for (JsonNode s : get("services.json").json()) {
                String code = s.get("service_code").asText();
                if (hasRequired(code)) {
                    continue;
                }
                if (s.get("type").asText().equals("realtime")) {
                    plainService = code;
                    break;
                }
                if (any == null && !s.get("type").asText().equals("blackbox")) {
                    any = code;
                }
            }
            if (plainService == null) {
                plainService = any;
            }
            assertThat(plainService).as("a service without required attributes").isNotNull();
        }
        return plainService;
    }

    private boolean hasRequired(String code) {
        Res d = get("services/" + enc(code) + ".json");
        if (d.status != 200) {
            return false;
        }
        for (JsonNode a : d.json().get("attributes")) {
            if (a.get("variable").asBoolean() && a.get("required").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    private boolean requiresOtherAttributes(String code, String except) {
        for (JsonNode a : get("services/" + enc(code) + ".json").json().get("attributes")) {
            if (a.get("variable").asBoolean()
                    && a.get("required").asBoolean()
                    && !a.get("code").asText().equals(except)) {
                return true;
            }
        }
        return false;
    }

    /** A service whose only required attribute is one with a value we can produce, and that attribute. */
    private Optional<JsonNode[]> serviceWithRequiredAttribute() {
        for (JsonNode s : get("services.json").json()) {
            if (!s.get("metadata").asBoolean() || s.get("type").asText().equals("blackbox")) {
                continue;
            }
            JsonNode required = null;
            int count = 0;
            for (JsonNode a : get("services/" + enc(s.get("service_code").asText()) + ".json")
                    .json()
                    .get("attributes")) {
                if (a.get("variable").asBoolean() && a.get("required").asBoolean()) {
                    required = a;
                    count++;
                }
            }
            if (count == 1) {
                return Optional.of(new JsonNode[] {s, required});
            }
        }
        return Optional.empty();
    }

    private static String validValue(JsonNode attr) {
        return switch (attr.get("datatype").asText()) {
            case "number" -> "42";
            case "datetime" -> "2026-01-01T08:00:00Z";
            case "singlevaluelist", "multivaluelist" ->
                attr.get("values").get(0).get("key").asText();
            default -> "conformance value";
        };
    }

    /** Checks the spec's error format: {@code [{"code": status, "description": ...}]} or its XML form. */
    protected final void assertError(Res r, int status, boolean json) {
        assertThat(r.status).as("status of %s", r.text()).isEqualTo(status);
        if (json) {
            assertThat(r.contentType).startsWith("application/json");
            JsonNode errors = r.json();
            assertThat(errors.isArray()).as(r.text()).isTrue();
            assertThat(errors.size()).isPositive();
            assertThat(errors.get(0).get("code").asInt()).isEqualTo(status);
            assertThat(errors.get(0).get("description").asText()).isNotBlank();
        } else {
            assertThat(r.contentType).startsWith("text/xml");
            Element root = r.xml().getDocumentElement();
            assertThat(root.getTagName()).isEqualTo("errors");
            List<Element> errors = children(root, "error");
            assertThat(errors).isNotEmpty();
            assertThat(childNames(errors.get(0))).containsExactly("code", "description");
            assertThat(text(errors.get(0), "code")).isEqualTo(Integer.toString(status));
            assertThat(text(errors.get(0), "description")).isNotBlank();
        }
    }

    /** Checks a CityTwin problem-details answer. */
    protected final void assertProblem(Res r, int status) {
        assertThat(r.status).as(r.text()).isEqualTo(status);
        JsonNode p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).startsWith("https://");
        assertThat(p.get("code").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank();
    }

    private static void assertW3c(String s) {
        assertThat(s).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})");
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("service_request_id").asText()));
        return out;
    }

    private static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    protected static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                out.add(e);
            }
        }
        return out;
    }

    protected static List<String> childNames(Element parent) {
        return children(parent, null).stream().map(Element::getTagName).toList();
    }

    protected static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        assertThat(c).as("one <%s> in <%s>", name, parent.getTagName()).hasSize(1);
        return c.get(0);
    }

    protected static String text(Element parent, String name) {
        return child(parent, name).getTextContent();
    }

    protected static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    protected static String encode(Map<String, List<String>> form) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, vs) -> {
            for (String v : vs) {
                b.append(b.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v));
            }
        });
        return b.toString();
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
