package io.citytwin.mqtt;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the embedded broker.
 *
 * @param host the interface to listen on
 * @param port the MQTT TCP port (1..65535)
 * @param maxMessageBytes largest payload a device may publish; larger ones are refused (and dead-lettered)
 * @param messagesPerSecond the average publish rate a device may keep up
 * @param burst how many publishes a device may send at once above its rate
 * @param tls an additional TLS listener, or null
 * @param homeDir where HiveMQ keeps its conf, data and extensions folders
 */
public record MqttOptions(
        String host,
        int port,
        int maxMessageBytes,
        double messagesPerSecond,
        double burst,
        @Nullable Tls tls,
        Path homeDir) {

    public MqttOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(homeDir, "homeDir");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("MQTT port must be 1..65535, got " + port);
        }
        if (maxMessageBytes < 1 || messagesPerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("maxMessageBytes, messagesPerSecond and burst must be positive");
        }
    }

    /** Listening on all interfaces, 64 KiB messages, 100 messages/s with bursts of 1,000, no TLS. */
    public static MqttOptions defaults(int port, Path homeDir) {
        return new MqttOptions("0.0.0.0", port, 65_536, 100, 1_000, null, homeDir);
    }

    /**
     * A TLS listener.
     *
     * @param port its TCP port
     * @param keystore a JKS or PKCS#12 key store with the server key and certificate
     * @param keystorePassword its password (also used for the private key)
     * @param clientAuth whether clients must present a certificate (for devices bound to a certificate CN)
     * @param truststore a JKS or PKCS#12 key store with the certificates (or CAs) client certificates are checked
     *     against, or null for the JVM's default trust store
     * @param truststorePassword its password, or null
     */
    public record Tls(
            int port,
            Path keystore,
            String keystorePassword,
            boolean clientAuth,
            @Nullable Path truststore,
            @Nullable String truststorePassword) {

        /** A TLS listener that checks client certificates against the JVM's default trust store. */
        public Tls(int port, Path keystore, String keystorePassword, boolean clientAuth) {
            this(port, keystore, keystorePassword, clientAuth, null, null);
        }
    }

    /** These options with other limits. */
    public MqttOptions withLimits(int maxBytes, double perSecond, double burstSize) {
        return new MqttOptions(host, port, maxBytes, perSecond, burstSize, tls, homeDir);
    }

    /** These options on another host. */
    public MqttOptions withHost(String h) {
        return new MqttOptions(h, port, maxMessageBytes, messagesPerSecond, burst, tls, homeDir);
    }

    /** These options with a TLS listener. */
    public MqttOptions withTls(@Nullable Tls t) {
        return new MqttOptions(host, port, maxMessageBytes, messagesPerSecond, burst, t, homeDir);
    }
}
