package io.citytwin.app;

import java.net.URI;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Where the simulated city goes: a node's HTTP address, or an MQTT broker (a CityTwin node's, with provisioning over
 * the node's HTTP address {@code api}, or a plain broker without provisioning).
 *
 * @param target {@code http://host:port} or {@code mqtt://host:port}
 * @param api the node's HTTP address for provisioning when {@code target} is MQTT; null: port 8080 of the MQTT host
 * @param tenant the NGSI-LD tenant ({@code default} for none)
 * @param provision whether to provision entities and devices (false for a plain MQTT broker)
 * @param maxConnections device connections at most on a CityTwin broker
 * @param pool connections to a plain broker
 * @param username a plain broker's username, or null
 * @param password its password, or null
 */
record SimTarget(
        URI target,
        @Nullable URI api,
        String tenant,
        boolean provision,
        int maxConnections,
        int pool,
        @Nullable String username,
        @Nullable String password) {

    SimTarget {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("mqtt") && !scheme.equals("tcp")) {
            throw new IllegalArgumentException(
                    "--target must be http://host:port (a node's API) or mqtt://host:port (a broker), got " + target);
        }
        if (isMqtt(target) && target.getHost() == null) {
            throw new IllegalArgumentException("--target " + target + " names no host (mqtt://host:port)");
        }
    }

    /** A node's HTTP API, provisioned, default tenant. */
    static SimTarget http(URI node) {
        return new SimTarget(node, null, "default", true, 0, 1, null, null);
    }

    private static boolean isMqtt(URI u) {
        String s = u.getScheme().toLowerCase(Locale.ROOT);
        return s.equals("mqtt") || s.equals("tcp");
    }

    boolean mqtt() {
        return isMqtt(target);
    }

    int mqttPort() {
        return target.getPort() > 0 ? target.getPort() : 1883;
    }

    /** The node's HTTP address for provisioning. */
    URI httpApi() {
        if (!mqtt()) {
            return target;
        }
        return api != null ? api : URI.create("http://" + target.getHost() + ":8080");
    }
}
