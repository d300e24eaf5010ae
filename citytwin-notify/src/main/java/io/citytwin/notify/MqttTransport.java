package io.citytwin.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.citytwin.subscription.Notification;
import io.citytwin.subscription.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers notifications to {@code mqtt://host:port/topic} and {@code mqtts://...} endpoints (NGSI-LD MQTT binding,
 * clause 7.3 of GS CIM 009): publishes with QoS 1 on the URI's path (without the leading slash) as topic and counts the
 * PUBACK as success. The payload is {@code {"metadata": {<headers>}, "body": <notification>}}: the binding carries
 * what HTTP would send as headers (Content-Type, Link, NGSILD-Tenant, receiverInfo) in {@code metadata}. Credentials
 * come from the URI's user info ({@code mqtt://user:pass@host/topic}).
 *
 * <p>One MQTT 5 client per broker (scheme, host, port, user), connected on first use and dropped on failure so the
 * next attempt reconnects. Thread-safe.
 */
public final class MqttTransport implements Transport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentHashMap<String, Mqtt5AsyncClient> clients = new ConcurrentHashMap<>();
    private final Duration timeout;

    /** @param timeout for connecting and for the PUBACK */
    public MqttTransport(Duration timeout) {
        this.timeout = timeout;
    }

    public MqttTransport() {
        this(Duration.ofSeconds(10));
    }

    @Override
    public boolean supports(String scheme) {
        return scheme.equals("mqtt") || scheme.equals("mqtts");
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        URI uri = URI.create(n.endpoint());
        String topic = uri.getPath().substring(1);
        String key = uri.getScheme().toLowerCase(Locale.ROOT) + "://"
                + (uri.getUserInfo() == null ? "" : uri.getUserInfo()) + "@" + uri.getHost() + ":" + port(uri);
        Mqtt5AsyncClient client;
        try {
            client = client(key, uri);
        } catch (Exception e) {
            throw new DeliveryException("MQTT connect to " + uri.getHost() + ":" + port(uri) + " failed: " + e, e);
        }
        try {
            Mqtt5PublishResult r = client.publishWith()
                    .topic(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .contentType("application/json")
                    .payload(payload(n))
                    .send()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r.getError().isPresent()) {
                throw new DeliveryException(
                        "MQTT publish to " + topic + " failed: " + r.getError().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            drop(key, client);
            throw new DeliveryException("MQTT publish to " + topic + " failed: " + e, e);
        }
    }

    /** The MQTT binding payload: {@code {"metadata": headers, "body": notification}}. */
    static byte[] payload(Notification n) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(n.body().length + 256);
            out.write("{\"metadata\":".getBytes(StandardCharsets.UTF_8));
            out.write(JSON.writeValueAsBytes(n.headers()));
            out.write(",\"body\":".getBytes(StandardCharsets.UTF_8));
            out.write(n.body());
            out.write('}');
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
    }

    private Mqtt5AsyncClient client(String key, URI uri) throws Exception {
        Mqtt5AsyncClient c = clients.get(key);
        if (c != null && c.getState().isConnected()) {
            return c;
        }
        synchronized (this) {
            c = clients.get(key);
            if (c != null && c.getState().isConnected()) {
                return c;
            }
            if (c != null) {
                drop(key, c);
            }
            Mqtt5ClientBuilder b = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("citytwin-notify-" + UUID.randomUUID())
                    .serverHost(uri.getHost())
                    .serverPort(port(uri));
            if (uri.getScheme().equalsIgnoreCase("mqtts")) {
                b = b.sslWithDefaultConfig();
            }
            Mqtt5AsyncClient fresh = b.buildAsync();
            var connect = fresh.connectWith().cleanStart(true).keepAlive(30);
            String info = uri.getUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                String user = colon < 0 ? info : info.substring(0, colon);
                byte[] pass =
                        colon < 0 ? new byte[0] : info.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
                connect.simpleAuth().username(user).password(pass).applySimpleAuth();
            }
            connect.send().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            clients.put(key, fresh);
            return fresh;
        }
    }

    private void drop(String key, Mqtt5AsyncClient c) {
        clients.remove(key, c);
        c.disconnect();
    }

    private static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("mqtts") ? 8883 : 1883;
    }

    @Override
    public void close() {
        for (Mqtt5AsyncClient c : clients.values()) {
            c.disconnect();
        }
        clients.clear();
    }
}
