package io.citytwin.open311.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Whatever text goes in, the XML is well-formed and gives the text back (bar characters XML cannot carry). */
class XmlOutProperties {
    @Property(tries = 1000)
    void anyText_isWellFormedAndComesBack(@ForAll("anything") String text) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("service_request_id", "1");
        request.put("description", text);
        request.put("expected_datetime", null);
        byte[] xml = XmlOut.write("service_requests", List.of(request));
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        Element root = d.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("service_requests");
        Element r = (Element) root.getElementsByTagName("request").item(0);
        assertThat(r.getElementsByTagName("description").item(0).getTextContent())
                .isEqualTo(XmlOut.clean(text));
        assertThat(r.getElementsByTagName("expected_datetime").item(0).getTextContent())
                .isEmpty();
    }

    @Property(tries = 300)
    void clean_keepsEveryAllowedCharacter(@ForAll("anything") String text) {
        String c = XmlOut.clean(text);
        assertThat(c.length()).isEqualTo(text.length());
        for (int i = 0; i < text.length(); i++) {
            char x = text.charAt(i);
            boolean allowed =
                    x == '\t' || x == '\n' || x == '\r' || (x >= 0x20 && x <= 0xD7FF) || (x >= 0xE000 && x <= 0xFFFD);
            if (allowed) {
                assertThat(c.charAt(i)).isEqualTo(x);
            }
        }
    }

    @Example
    void theSpecsNestedLists_useSingularItemElements() {
        Map<String, Object> value = Map.of("key", "123", "name", "Ford");
        Map<String, Object> attr = new LinkedHashMap<>();
        attr.put("code", "WHISHETN");
        attr.put("values", List.of(value));
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("service_code", "DMV66");
        def.put("attributes", List.of(attr));
        String xml = new String(XmlOut.write("service_definition", def), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(xml)
                .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .contains("<attributes><attribute><code>WHISHETN</code><values><value>")
                .contains("</value></values></attribute></attributes>");
    }

    @Provide
    Arbitrary<String> anything() {
        return Arbitraries.strings()
                .all()
                .ofMaxLength(40)
                .injectDuplicates(0.0)
                .edgeCases(e -> e.add("a\r\nb\rc"))
                .map(s -> s + (s.hashCode() % 7 == 0 ? "<&>\"'\u0000\u001f\ud800\uffff" : ""));
    }
}
