package io.citytwin.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.ingest.Channel;
import io.citytwin.ingest.IngestService;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * External broker mode: the node subscribes as an MQTT 5 client to the device topics of a broker it does not run
 * (Mosquitto, EMQX, HiveMQ) and feeds the same {@link IngestService} as the embedded broker. The broker authenticates
 * the devices and enforces its own ACL; the device identity comes from the topic ({@code
 * citytwin/{tenant}/devices/{id}/...}), and only devices registered here are ingested.
 *
 * <p>QoS 1 messages are acknowledged to the broker (manual acknowledgement) only once their change is durable, so a
 * node that dies loses nothing the broker still holds for its persistent session. With {@code shared} the node
 * subscribes as {@code $share/citytwin/...}, so several nodes split the devices between them.
 */
public final class ExternalBrokerClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalBrokerClient.class);
    private static final Duration DEVICE_CACHE = Duration.ofSeconds(30);

    private record Cached(Optional<Device> device, Instant until) {}

    private final Mqtt5AsyncClient client;
    private final DeviceRegistry registry;
    private final IngestService ingest;
    private final InstantSource clock;
    private final Refusals refusals;
    private final Counter in;
    private final Map<String, Cached> devices = new ConcurrentHashMap<>();

    /**
     * Settings of the external broker connection.
     *
     * @param url {@code tcp://host:port} (or {@code ssl://host:port})
     * @param clientId the MQTT client id of this node (a persistent session is kept under it)
     * @param username optional broker username
     * @param password optional broker password
     * @param shared whether to use a shared subscription ({@code $share/{shareGroup}/...}; MQTT 5 brokers)
     * @param shareGroup the shared subscription's group: the nodes of one deployment share one group
     */
    public record Settings(
            String url,
            String clientId,
            @Nullable String username,
            @Nullable String password,
            boolean shared,
            String shareGroup) {}

    private ExternalBrokerClient(
            Mqtt5AsyncClient client,
            DeviceRegistry registry,
            IngestService ingest,
            InstantSource clock,
            MeterRegistry metrics) {
        this.client = client;
        this.registry = registry;
        this.ingest = ingest;
        this.clock = clock;
        this.refusals = new Refusals(metrics);
        this.in = Counter.builder("citytwin.mqtt.external.messages.in")
                .description("Messages received from the external MQTT broker")
                .register(metrics);
    }

    /**
     * Connects and subscribes; returns once subscribed.
     *
     * @throws TwinException {@code mqtt.external-failed} when the broker cannot be reached or refuses
     */
    public static ExternalBrokerClient connect(
            Settings settings,
            DeviceRegistry registry,
            IngestService ingest,
            InstantSource clock,
            MeterRegistry metrics) {
        URI uri = URI.create(settings.url());
        if (uri.getHost() == null) {
            throw new TwinException(
                    ErrorType.BAD_REQUEST_DATA, "mqtt.external-url-invalid", "Invalid broker URL " + settings.url());
        }
        boolean tls = "ssl".equals(uri.getScheme()) || "mqtts".equals(uri.getScheme());
        var builder = Mqtt5Client.builder()
                .identifier(settings.clientId())
                .serverHost(uri.getHost())
                .serverPort(uri.getPort() > 0 ? uri.getPort() : tls ? 8883 : 1883)
                .automaticReconnectWithDefaultConfig();
        if (tls) {
            builder = builder.sslWithDefaultConfig();
        }
        Mqtt5AsyncClient client = builder.buildAsync();
        ExternalBrokerClient self = new ExternalBrokerClient(client, registry, ingest, clock, metrics);
        client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, self::onPublish, true);
        try {
            var connect = client.connectWith().cleanStart(false).sessionExpiryInterval(3600);
            if (settings.username() != null) {
                connect = connect.simpleAuth()
                        .username(settings.username())
                        .password((settings.password() == null ? "" : settings.password())
                                .getBytes(StandardCharsets.UTF_8))
                        .applySimpleAuth();
            }
            connect.send().get(30, TimeUnit.SECONDS);
            String prefix = settings.shared() ? "$share/" + settings.shareGroup() + "/" : "";
            for (String kind : new String[] {"telemetry", "attrs"}) {
                client.subscribeWith()
                        .topicFilter(prefix + "citytwin/+/devices/+/" + kind)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .send()
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            client.disconnect();
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR,
                    "mqtt.external-failed",
                    "Cannot subscribe at the MQTT broker " + settings.url() + ": "
                            + (e.getCause() == null ? e : e.getCause().getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.disconnect();
            throw new TwinException(ErrorType.INTERNAL_ERROR, "mqtt.external-failed", "Interrupted", e);
        }
        LOG.info("Subscribed to device topics at {}{}", settings.url(), settings.shared() ? " (shared)" : "");
        return self;
    }

    private void onPublish(Mqtt5Publish publish) {
        in.increment();
        String topic = publish.getTopic().toString();
        Optional<DeviceTopic> t = DeviceTopic.parse(topic);
        Optional<Channel> channel = t.flatMap(DeviceTopic::channel);
        if (channel.isEmpty()) {
            refusals.refuse(topic, "external-topic", "not a device topic");
            publish.acknowledge();
            return;
        }
        Optional<Device> device = device(t.get());
        if (device.isEmpty()) {
            refusals.refuse(
                    DeviceSessions.key(t.get().tenant(), t.get().device()),
                    "external-unknown-device",
                    "no such device registered");
            publish.acknowledge();
            return;
        }
        byte[] payload = publish.getPayloadAsBytes();
        ingest.submit(device.get(), channel.get(), payload).whenComplete((outcome, error) -> publish.acknowledge());
    }

    private Optional<Device> device(DeviceTopic t) {
        String key = DeviceSessions.key(t.tenant(), t.device());
        Instant now = clock.instant();
        Cached c = devices.get(key);
        if (c == null || now.isAfter(c.until())) {
            c = new Cached(registry.get(t.tenant(), t.device()), now.plus(DEVICE_CACHE));
            devices.put(key, c);
        }
        return c.device();
    }

    /** Disconnects (the broker keeps the session and queues QoS 1 messages until the node is back). */
    @Override
    public void close() {
        try {
            client.disconnect().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Disconnect from the MQTT broker", e);
        }
    }
}
