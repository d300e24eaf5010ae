package io.citytwin.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.citytwin.command.Command;
import io.citytwin.command.CommandService;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.ingest.Channel;
import io.citytwin.ingest.CommandCodec;
import io.citytwin.ingest.IngestOutcome;
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
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
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
 * node that dies loses nothing the broker still holds for its persistent session; a message whose durable write
 * failed is not acknowledged at all, and the client reconnects so that the broker redelivers it. With {@code shared} the node
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
    private final LongAdder failedWrites = new LongAdder();
    private final Map<String, Cached> devices = new ConcurrentHashMap<>();
    private final @Nullable CommandService commands;
    private final AtomicBoolean recovering = new AtomicBoolean();
    private volatile @Nullable Settings settings;
    private volatile boolean closed;

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
            MeterRegistry metrics,
            @Nullable CommandService commands) {
        this.commands = commands;
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
        return connect(settings, registry, ingest, clock, metrics, null);
    }

    /**
     * Connects and subscribes, also to the devices' command acknowledgements when {@code commands} is given (which then
     * gets this client as a transport: commands are published to {@code citytwin/{tenant}/devices/{id}/commands}).
     *
     * @throws TwinException {@code mqtt.external-failed} when the broker cannot be reached or refuses
     */
    public static ExternalBrokerClient connect(
            Settings settings,
            DeviceRegistry registry,
            IngestService ingest,
            InstantSource clock,
            MeterRegistry metrics,
            @Nullable CommandService commands) {
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
        ExternalBrokerClient self = new ExternalBrokerClient(client, registry, ingest, clock, metrics, commands);
        self.settings = settings;
        client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, self::onPublish, true);
        try {
            self.sendConnect().get(30, TimeUnit.SECONDS);
            String prefix = settings.shared() ? "$share/" + settings.shareGroup() + "/" : "";
            String[] kinds = commands == null
                    ? new String[] {"telemetry", "attrs"}
                    : new String[] {"telemetry", "attrs", "commands/ack"};
            for (String kind : kinds) {
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
        if (commands != null) {
            commands.addTransport(self::deliver);
        }
        return self;
    }

    private CompletableFuture<?> sendConnect() {
        Settings s = Objects.requireNonNull(settings);
        var connect = client.connectWith().cleanStart(false).sessionExpiryInterval(3600);
        if (s.username() != null) {
            connect = connect.simpleAuth()
                    .username(s.username())
                    .password((s.password() == null ? "" : s.password()).getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        return connect.send();
    }

    /** Publishes a command to the device's commands topic (QoS 1); true once the broker accepted it. */
    private CompletableFuture<Boolean> deliver(Command c) {
        try {
            return client.publishWith()
                    .topic(DeviceTopic.of(c.tenant(), c.device(), "commands"))
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .contentType("application/json")
                    .payload(CommandCodec.render(c))
                    .send()
                    .handle((r, e) -> e == null && r.getError().isEmpty());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
    }

    /*
     * A message whose twin write failed is not acknowledged. The broker only sends an unacknowledged QoS 1 message
     * again when the session resumes, so the client disconnects and reconnects with the same persistent session
     * (cleanStart false): the broker then redelivers everything not acknowledged, the failed message included.
     * One recovery at a time; messages acknowledged meanwhile are not redelivered.
     */
    private void recover() {
        if (closed || !recovering.compareAndSet(false, true)) {
            return;
        }
        failedWrites.increment();
        LOG.warn(
                "A durable write of a message from {} failed: reconnecting so that the broker redelivers it",
                Objects.requireNonNull(settings).url());
        CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                .thenCompose(x -> client.disconnect())
                .handle((x, e) -> null)
                .thenCompose(x -> closed ? CompletableFuture.completedFuture(null) : sendConnect())
                .whenComplete((x, e) -> {
                    recovering.set(false);
                    if (e != null && !closed) {
                        LOG.warn("Reconnect to the MQTT broker failed; retrying", e);
                        recover();
                    }
                });
    }

    /** Messages not acknowledged to the broker because their durable write failed (tests, metrics). */
    public long failedWrites() {
        return failedWrites.sum();
    }

    private void onPublish(Mqtt5Publish publish) {
        in.increment();
        String topic = publish.getTopic().toString();
        Optional<DeviceTopic> t = DeviceTopic.parse(topic);
        Optional<Channel> channel = t.flatMap(DeviceTopic::channel);
        if (commands != null && t.isPresent() && t.get().kind().equals("commands/ack")) {
            onAck(t.get(), publish);
            return;
        }
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
        ingest.submit(device.get(), channel.get(), payload).whenComplete((outcome, error) -> {
            if (outcome instanceof IngestOutcome.Failed) {
                recover(); // not acknowledged: redelivered after the reconnect
            } else {
                publish.acknowledge();
            }
        });
    }

    private void onAck(DeviceTopic t, Mqtt5Publish publish) {
        CommandService c = Objects.requireNonNull(commands);
        byte[] payload = publish.getPayloadAsBytes();
        Thread.ofVirtual().start(() -> {
            try {
                switch (CommandCodec.parseAck(payload, null)) {
                    case CommandCodec.Ack a -> {
                        if (c.ack(t.tenant(), t.device(), a.id(), a.ok(), a.info())
                                == CommandService.AckResult.UNKNOWN) {
                            refusals.refuse(
                                    DeviceSessions.key(t.tenant(), t.device()),
                                    "command-ack-unknown",
                                    "acknowledgement of unknown command " + a.id());
                        }
                    }
                    case CommandCodec.Invalid i ->
                        refusals.refuse(DeviceSessions.key(t.tenant(), t.device()), "command-ack-invalid", i.reason());
                }
            } finally {
                publish.acknowledge();
            }
        });
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
        closed = true;
        try {
            client.disconnect().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Disconnect from the MQTT broker", e);
        }
    }
}
