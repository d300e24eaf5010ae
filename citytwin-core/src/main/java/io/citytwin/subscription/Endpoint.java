package io.citytwin.subscription;

import io.citytwin.twin.TwinException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where notifications go (Endpoint, clause 5.2.15).
 *
 * @param uri {@code http}, {@code https}, {@code mqtt} or {@code mqtts} URI; for MQTT the path is the topic
 * @param accept {@code application/json} (default) or {@code application/ld+json}
 * @param receiverInfo key/values sent with each notification as HTTP headers (MQTT: metadata members)
 */
public record Endpoint(URI uri, String accept, Map<String, String> receiverInfo) {
    public static final String JSON = "application/json";
    public static final String JSON_LD = "application/ld+json";

    public Endpoint {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(accept, "accept");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "http", "https", "mqtt", "mqtts" -> {}
            default ->
                throw TwinException.badData(
                        "subscription.endpoint-scheme",
                        "Endpoint uri must be http, https, mqtt or mqtts, got '" + uri + "'");
        }
        if (uri.getHost() == null) {
            throw TwinException.badData("subscription.endpoint-host", "Endpoint uri has no host: '" + uri + "'");
        }
        if (isMqtt(scheme) && (uri.getPath() == null || uri.getPath().length() < 2)) {
            throw TwinException.badData(
                    "subscription.endpoint-topic", "An MQTT endpoint needs a topic: mqtt://host:port/topic");
        }
        if (!accept.equals(JSON) && !accept.equals(JSON_LD)) {
            throw TwinException.badData(
                    "subscription.endpoint-accept",
                    "Endpoint accept must be application/json or application/ld+json, got '" + accept + "'");
        }
        for (Map.Entry<String, String> e : receiverInfo.entrySet()) {
            checkHeader(e.getKey(), e.getValue());
        }
        receiverInfo =
                receiverInfo.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(receiverInfo));
    }

    /** An HTTP or MQTT endpoint with default accept and no receiverInfo. */
    public static Endpoint of(String uri) {
        return new Endpoint(parseUri(uri), JSON, Map.of());
    }

    /**
     * Parses an endpoint URI.
     *
     * @throws TwinException BadRequestData {@code subscription.endpoint-uri} when it is not a URI
     */
    public static URI parseUri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw TwinException.badData("subscription.endpoint-uri", "Endpoint uri is not a URI: '" + text + "'");
        }
    }

    /** Whether notifications travel over MQTT. */
    public boolean mqtt() {
        return isMqtt(uri.getScheme().toLowerCase(Locale.ROOT));
    }

    private static boolean isMqtt(String scheme) {
        return scheme.equals("mqtt") || scheme.equals("mqtts");
    }

    private static void checkHeader(String key, String value) {
        if (key.isEmpty() || !key.chars().allMatch(c -> c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw TwinException.badData(
                    "subscription.receiver-info", "receiverInfo key '" + key + "' is not a valid header name");
        }
        if (!value.chars().allMatch(c -> c >= 32 && c != 127)) {
            throw TwinException.badData(
                    "subscription.receiver-info", "receiverInfo value of '" + key + "' holds control characters");
        }
    }
}
