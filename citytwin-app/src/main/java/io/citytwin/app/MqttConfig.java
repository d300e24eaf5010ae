package io.citytwin.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Devices over MQTT ({@code mqtt:} in the configuration file; see docs/configuration.md).
 *
 * @param port the embedded broker's TCP port; 0 runs no embedded broker (default 1883)
 * @param host the interface the embedded broker listens on (default: the HTTP host)
 * @param maxMessageBytes largest payload a device may publish (default 65536)
 * @param messagesPerSecond publish rate a device may keep up (default 100)
 * @param burst publishes a device may send at once above its rate (default 1000)
 * @param offlineAfter silence after which a device is offline (ISO 8601, default PT10M)
 * @param tls an additional TLS listener of the embedded broker, or null
 * @param external an external broker to subscribe to, or null
 * @param commandExpiry how long a command to a device may stay unacknowledged before it expires (default PT5M)
 * @param commandQueue the most open commands per device; beyond, the oldest expire (default 100)
 */
public record MqttConfig(
        @JsonProperty("port") Integer port,
        @JsonProperty("host") @Nullable String host,
        @JsonProperty("maxMessageBytes") Integer maxMessageBytes,
        @JsonProperty("messagesPerSecond") Double messagesPerSecond,
        @JsonProperty("burst") Double burst,
        @JsonProperty("offlineAfter") Duration offlineAfter,
        @JsonProperty("tls") @Nullable Tls tls,
        @JsonProperty("external") @Nullable External external,
        @JsonProperty("commandExpiry") Duration commandExpiry,
        @JsonProperty("commandQueue") Integer commandQueue) {
    static final MqttConfig DEFAULTS = new MqttConfig(null, null, null, null, null, null, null, null, null, null);

    /** The settings without the command options (their defaults). */
    public MqttConfig(
            Integer port,
            @Nullable String host,
            Integer maxMessageBytes,
            Double messagesPerSecond,
            Double burst,
            Duration offlineAfter,
            @Nullable Tls tls,
            @Nullable External external) {
        this(port, host, maxMessageBytes, messagesPerSecond, burst, offlineAfter, tls, external, null, null);
    }

    public MqttConfig {
        port = port == null ? 1883 : port;
        maxMessageBytes = maxMessageBytes == null ? 65_536 : maxMessageBytes;
        messagesPerSecond = messagesPerSecond == null ? 100.0 : messagesPerSecond;
        burst = burst == null ? 1_000.0 : burst;
        offlineAfter = offlineAfter == null ? Duration.ofMinutes(10) : offlineAfter;
        commandExpiry = commandExpiry == null ? Duration.ofMinutes(5) : commandExpiry;
        commandQueue = commandQueue == null ? 100 : commandQueue;
        if (commandExpiry.isNegative() || commandExpiry.isZero() || commandQueue < 1) {
            throw new IllegalArgumentException("mqtt.commandExpiry must be positive and mqtt.commandQueue at least 1");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("mqtt.port must be 0..65535 (0: no embedded broker), got " + port);
        }
        if (maxMessageBytes < 1 || messagesPerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("mqtt.maxMessageBytes, messagesPerSecond and burst must be positive");
        }
        if (offlineAfter.isNegative() || offlineAfter.isZero()) {
            throw new IllegalArgumentException("mqtt.offlineAfter must be positive");
        }
    }

    MqttConfig withPort(int p) {
        return new MqttConfig(
                p,
                host,
                maxMessageBytes,
                messagesPerSecond,
                burst,
                offlineAfter,
                tls,
                external,
                commandExpiry,
                commandQueue);
    }

    MqttConfig withLimits(int maxBytes, double perSecond, double burstSize) {
        return new MqttConfig(
                port, host, maxBytes, perSecond, burstSize, offlineAfter, tls, external, commandExpiry, commandQueue);
    }

    MqttConfig withExternal(@Nullable External e) {
        return new MqttConfig(
                port,
                host,
                maxMessageBytes,
                messagesPerSecond,
                burst,
                offlineAfter,
                tls,
                e,
                commandExpiry,
                commandQueue);
    }

    /** These settings with other command options. */
    MqttConfig withCommands(Duration expiry, int queue) {
        return new MqttConfig(
                port, host, maxMessageBytes, messagesPerSecond, burst, offlineAfter, tls, external, expiry, queue);
    }

    /**
     * A TLS listener of the embedded broker.
     *
     * @param port its port (default 8883)
     * @param keystore JKS or PKCS#12 key store with the server key and certificate
     * @param password the key store (and key) password
     * @param clientAuth whether devices must present a client certificate (default false)
     * @param truststore key store with the certificates or CAs device certificates are checked against (default: the
     *     JVM's trust store)
     * @param truststorePassword its password
     */
    public record Tls(
            @JsonProperty("port") Integer port,
            @JsonProperty("keystore") Path keystore,
            @JsonProperty("password") String password,
            @JsonProperty("clientAuth") Boolean clientAuth,
            @JsonProperty("truststore") @Nullable Path truststore,
            @JsonProperty("truststorePassword") @Nullable String truststorePassword) {

        /** A TLS listener checking device certificates against the JVM's trust store. */
        public Tls(Integer port, Path keystore, String password, Boolean clientAuth) {
            this(port, keystore, password, clientAuth, null, null);
        }

        public Tls {
            port = port == null ? 8883 : port;
            clientAuth = clientAuth != null && clientAuth;
            if (keystore == null || password == null) {
                throw new IllegalArgumentException("mqtt.tls needs keystore and password");
            }
        }
    }

    /**
     * An external broker the node subscribes to.
     *
     * @param url {@code tcp://host:port} or {@code ssl://host:port}
     * @param clientId this node's client id (default {@code citytwin-node})
     * @param username broker username, if it needs one
     * @param password broker password
     * @param sharedSubscription subscribe as {@code $share/{shareGroup}/...} (default true; MQTT 5 brokers)
     * @param shareGroup the shared subscription group (default {@code citytwin}); the nodes of one deployment share it
     */
    public record External(
            @JsonProperty("url") String url,
            @JsonProperty("clientId") String clientId,
            @JsonProperty("username") @Nullable String username,
            @JsonProperty("password") @Nullable String password,
            @JsonProperty("sharedSubscription") Boolean sharedSubscription,
            @JsonProperty("shareGroup") String shareGroup) {
        public External {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("mqtt.external.url is required");
            }
            clientId = clientId == null ? "citytwin-node" : clientId;
            sharedSubscription = sharedSubscription == null || sharedSubscription;
            shareGroup = shareGroup == null ? "citytwin" : shareGroup;
        }
    }
}
