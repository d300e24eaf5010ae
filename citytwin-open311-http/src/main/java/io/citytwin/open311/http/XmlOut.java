package io.citytwin.open311.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes a GeoReport v2 document as XML with the JDK's StAX writer, which escapes text.
 *
 * <p>The document is the same tree the JSON answer is made of (maps of fields, lists, scalars), mapped back to XML
 * by the Spark convention the spec's JSON follows (wiki.open311.org/JSON_and_XML_Conversion): a map is an element per
 * field; a list under a plural name is that element holding one singular element per item ({@code services/service},
 * {@code service_requests/request}, {@code attributes/attribute}, {@code values/value}, {@code endpoints/endpoint},
 * {@code formats/format}, {@code errors/error}); null is an empty element. Characters XML 1.0 cannot carry (control
 * characters other than tab, LF and CR; unpaired surrogates; U+FFFE/U+FFFF) are replaced by U+FFFD so the document is
 * always well-formed, whatever a citizen typed; other text comes back exactly as sent.
 */
final class XmlOut {
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();
    private static final Map<String, String> ITEM = Map.of(
            "services", "service",
            "service_requests", "request",
            "attributes", "attribute",
            "values", "value",
            "endpoints", "endpoint",
            "formats", "format",
            "errors", "error");

    private XmlOut() {}

    /** The UTF-8 document with root element {@code root} holding {@code body} (a map or a list). */
    static byte[] write(String root, Object body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            XMLStreamWriter w = FACTORY.createXMLStreamWriter(bytes, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            element(w, root, body);
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("Cannot write XML", e);
        }
        return bytes.toByteArray();
    }

    private static void element(XMLStreamWriter w, String name, Object value) throws XMLStreamException {
        if (value == null) {
            w.writeEmptyElement(name);
            return;
        }
        w.writeStartElement(name);
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                element(w, String.valueOf(e.getKey()), e.getValue());
            }
        } else if (value instanceof List<?> l) {
            String item = ITEM.getOrDefault(name, "item");
            for (Object o : l) {
                element(w, item, o);
            }
        } else {
            text(w, clean(String.valueOf(value)));
        }
        w.writeEndElement();
    }

    /**
     * Writes {@code s} as character data; a carriage return goes out as {@code &#13;}, since a parser would turn a
     * literal one into a line feed (XML 1.0 section 2.11) and the text would not come back as sent.
     */
    private static void text(XMLStreamWriter w, String s) throws XMLStreamException {
        int from = 0;
        for (int cr = s.indexOf('\r'); cr >= 0; cr = s.indexOf('\r', from)) {
            w.writeCharacters(s.substring(from, cr));
            w.writeEntityRef("#13");
            from = cr + 1;
        }
        w.writeCharacters(s.substring(from));
    }

    /** {@code s} with every character XML 1.0 (section 2.2, production Char) does not allow replaced by U+FFFD. */
    static String clean(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            ok = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (!ok && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(ok ? c : '\uFFFD');
            }
        }
        return out == null ? s : out.toString();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
