package io.citytwin.open311;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns the fields of a GeoReport v2 "POST Service Request" into a checked {@link NewRequest}.
 *
 * <p>Rules (GeoReport v2, "POST Service Request", required and optional arguments): a location is required, one of
 * {@code lat} & {@code long} (both), {@code address_string} or {@code address_id}; {@code description} holds at most
 * 4,000 characters; attributes come as {@code attribute[code]=value}, a multi-value list as {@code
 * attribute[code][]=v1&attribute[code][]=v2}; an attribute the service definition marks {@code variable} and {@code
 * required} must be present; list values must be among the definition's keys, numbers must be numbers and datetimes
 * W3C date-times. Attributes the definition does not name are kept as sent (clients such as the simulator send
 * extra context). An empty field counts as absent ("Optional Arguments": an empty parameter equals an absent one).
 */
public final class RequestForm {
    /** The longest description the spec allows. */
    public static final int MAX_DESCRIPTION = 4000;

    /** The longest value of any other field. */
    static final int MAX_FIELD = 2000;

    private RequestForm() {}

    /** The {@code service_code} of the form, required. */
    public static String serviceCode(Map<String, List<String>> form) {
        String code = field(form, "service_code");
        if (code.isEmpty()) {
            throw Open311Exception.badRequest("open311.service-code-missing", "service_code was not provided");
        }
        return code;
    }

    /**
     * The {@code attribute[code]} and {@code attribute[code][]} fields of {@code form}, by code, values in order. A
     * field named {@code attribute[]} or {@code attribute[code} is not an attribute and is refused.
     */
    public static Map<String, List<String>> attributes(Map<String, List<String>> form) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : form.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("attribute[")) {
                continue;
            }
            String rest = name.substring("attribute[".length());
            int close = rest.indexOf(']');
            String tail = close < 0 ? "" : rest.substring(close + 1);
            if (close <= 0 || !(tail.isEmpty() || tail.equals("[]"))) {
                throw Open311Exception.badRequest(
                        "open311.attribute-name",
                        "Malformed attribute field '" + name + "': use attribute[code] or attribute[code][]");
            }
            List<String> values = out.computeIfAbsent(rest.substring(0, close), k -> new ArrayList<>());
            for (String v : e.getValue()) {
                if (!v.isEmpty()) {
                    values.add(v);
                }
            }
        }
        out.values().removeIf(List::isEmpty);
        return out;
    }

    /**
     * The checked request.
     *
     * @param definition the service's definition (its attributes decide what is required)
     * @throws Open311Exception (400) when the location is missing or bad, the description too long, a required
     *     attribute missing or an attribute value invalid
     */
    public static NewRequest parse(Map<String, List<String>> form, ServiceDefinition definition) {
        String lat = field(form, "lat");
        String lon = field(form, "long");
        String addressString = field(form, "address_string");
        String addressId = field(form, "address_id");
        GeoPoint location = null;
        if (!lat.isEmpty() || !lon.isEmpty()) {
            if (lat.isEmpty() || lon.isEmpty()) {
                throw Open311Exception.badRequest(
                        "open311.location",
                        "lat and long must both be sent, got only " + (lat.isEmpty() ? "long" : "lat"));
            }
            location = new GeoPoint(number("lat", lat), number("long", lon));
        } else if (addressString.isEmpty() && addressId.isEmpty()) {
            throw Open311Exception.badRequest(
                    "open311.location-missing",
                    "A location is required: lat and long, or address_string, or address_id");
        }
        String description = field(form, "description");
        if (description.length() > MAX_DESCRIPTION) {
            throw Open311Exception.badRequest(
                    "open311.description-too-long",
                    "description has " + description.length() + " characters; at most " + MAX_DESCRIPTION
                            + " are allowed");
        }
        String mediaUrl = field(form, "media_url");
        if (!mediaUrl.isEmpty()) {
            checkUrl(mediaUrl);
        }
        Map<String, List<String>> attributes = attributes(form);
        check(attributes, definition);
        return new NewRequest(
                definition.serviceCode(),
                location,
                addressString,
                addressId,
                field(form, "email"),
                field(form, "device_id"),
                field(form, "account_id"),
                field(form, "first_name"),
                field(form, "last_name"),
                field(form, "phone"),
                description,
                mediaUrl,
                attributes);
    }

    /** Checks {@code attributes} against the definition's required attributes, lists and types. */
    static void check(Map<String, List<String>> attributes, ServiceDefinition definition) {
        for (ServiceDefinition.Attribute a : definition.attributes()) {
            List<String> values = attributes.getOrDefault(a.code(), List.of());
            if (values.isEmpty()) {
                if (a.variable() && a.required()) {
                    throw Open311Exception.badRequest(
                            "open311.attribute-required",
                            "attribute[" + a.code() + "] is required for service_code " + definition.serviceCode());
                }
                continue;
            }
            if (values.size() > 1 && a.datatype() != ServiceDefinition.Datatype.MULTIVALUELIST) {
                throw Open311Exception.badRequest(
                        "open311.attribute-value", "attribute[" + a.code() + "] takes one value, got " + values.size());
            }
            for (String v : values) {
                switch (a.datatype()) {
                    case NUMBER -> number("attribute[" + a.code() + "]", v);
                    case DATETIME -> W3cDateTime.parse("attribute[" + a.code() + "]", v);
                    case SINGLEVALUELIST, MULTIVALUELIST -> {
                        if (a.values().stream().noneMatch(x -> x.key().equals(v))) {
                            throw Open311Exception.badRequest(
                                    "open311.attribute-value",
                                    "attribute[" + a.code() + "] must be one of "
                                            + a.values().stream()
                                                    .map(ServiceDefinition.Value::key)
                                                    .toList() + ", got '" + clip(v) + "'");
                        }
                    }
                    case STRING, TEXT -> {
                        if (v.length() > MAX_DESCRIPTION) {
                            throw Open311Exception.badRequest(
                                    "open311.attribute-value", "attribute[" + a.code() + "] is too long");
                        }
                    }
                }
            }
        }
    }

    /**
     * The first non-empty value of field {@code name}, trimmed, or "".
     *
     * @throws Open311Exception (400) when a field other than {@code description} is longer than 2000 characters
     */
    public static String field(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        if (values == null) {
            return "";
        }
        for (String v : values) {
            String t = v.strip();
            if (!t.isEmpty()) {
                if (!name.equals("description") && t.length() > MAX_FIELD) {
                    throw Open311Exception.badRequest("open311.field-too-long", name + " is too long");
                }
                return t;
            }
        }
        return "";
    }

    static double number(String field, String s) {
        try {
            double d = Double.parseDouble(s.strip());
            if (!Double.isFinite(d) || s.strip().matches(".*[^0-9eE+\\-.].*")) {
                throw new NumberFormatException(s);
            }
            return d;
        } catch (NumberFormatException e) {
            throw Open311Exception.badRequest("open311.number", field + " must be a number, got '" + clip(s) + "'");
        }
    }

    private static void checkUrl(String s) {
        @Nullable URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null
                || uri.getScheme() == null
                || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw Open311Exception.badRequest(
                    "open311.media-url", "media_url must be an absolute http(s) URL, got '" + clip(s) + "'");
        }
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
