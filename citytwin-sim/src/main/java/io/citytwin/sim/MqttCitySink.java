package io.citytwin.sim;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * MULTIPLEXING MANY DEVICES OVER MQTT
 *
 * A CityTwin broker authenticates one device per connection (username {tenant}/{deviceId}, the token as password)
 * and lets a connection publish only to its own device's topics, so in DEVICE mode every simulated device gets its
 * own MQTT 5 connection, as a real fleet would. Connections open lazily at a device's first message (at most 256
 * CONNECTs in flight) and stay open; all of them share one Netty event loop group of the HiveMQ client (async API),
 * so 10,000 devices cost 10,000 sockets but only a couple of threads. The number of connections is capped
 * (maxConnections: each costs a file descriptor here and one at the broker); the devices beyond the cap send their
 * telemetry through the fallback sink (the node's HTTP device API) and the caller says so once, clearly.
 *
 * A plain MQTT broker (SHARED mode, no CityTwin registry: Mosquitto, EMQX...) accepts any topic from any client, so
 * there a small pool of connections carries every device's topic, each device pinned to one connection (hash of its
 * id) so its messages stay in order.
 *
 * Publishes are QoS 1; at most maxInFlight wait for their PUBACK at any time (send blocks beyond), so memory stays
 * bounded whatever the simulation offers. A PUBACK with an MQTT 5 error reason (payload format invalid, quota
 * exceeded, not authorized) counts as rejected, a lost connection or a refused CONNECT as failed.
 */
/**
 * A {@link CitySink} that publishes each device's telemetry on {@code citytwin/{tenant}/devices/{deviceId}/telemetry}
 * (QoS 1, MQTT 5) and provisions entities and devices through another sink (the node's HTTP APIs), or not at all for a
 * plain broker. Thread-safe. See MULTIPLEXING MANY DEVICES OVER MQTT.
 */
public final class MqttCitySink implements CitySink {
    private static final Logger LOG = LoggerFactory.getLogger(MqttCitySink.class);
    private static final int CONNECTS_IN_FLIGHT = 256;
    private static final int REFUSALS_LOGGED = 5;

    /** How the broker authenticates the simulator's connections. */
    public enum Auth {
        /** A CityTwin broker: one connection per device with the device's own token. */
        DEVICE,
        /** A plain broker: a pool of connections, anonymous or with one shared username and password. */
        SHARED
    }

    /**
     * Where and how to publish.
     *
     * @param host the broker's host
     * @param port the broker's TCP port
     * @param tenant the tenant in the topics and the device usernames ({@code default} for none)
     * @param auth DEVICE for a CityTwin broker, SHARED for a plain one
     * @param maxConnections DEVICE mode: device connections at most (the rest go through the fallback sink)
     * @param pool SHARED mode: connections in the pool
     * @param username SHARED mode: the broker's username, or null for anonymous
     * @param password SHARED mode: its password, or null
     * @param maxInFlight publishes awaiting their PUBACK at most
     */
    public record Options(
            String host,
            int port,
            String tenant,
            Auth auth,
            int maxConnections,
            int pool,
            @Nullable String username,
            @Nullable String password,
            int maxInFlight) {
        public Options {
            Objects.requireNonNull(host);
            Objects.requireNonNull(tenant);
            Objects.requireNonNull(auth);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("The MQTT port must be 1..65535, got " + port);
            }
            if (maxConnections < 0 || pool < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 0, pool and maxInFlight positive");
            }
        }

        /** A CityTwin broker at {@code host:port}: device connections, at most {@code maxConnections}. */
        public static Options cityTwin(String host, int port, String tenant, int maxConnections) {
            return new Options(host, port, tenant, Auth.DEVICE, maxConnections, 1, null, null, 10_000);
        }

        /** A plain broker at {@code host:port}: a pool of {@code pool} connections. */
        public static Options plain(
                String host, int port, String tenant, int pool, @Nullable String username, @Nullable String password) {
            return new Options(host, port, tenant, Auth.SHARED, 0, pool, username, password, 10_000);
        }
    }

    private final Options options;
    private final @Nullable CitySink fallback;
    private final MqttClientExecutorConfig executors;
    private final Map<String, CompletableFuture<Mqtt5AsyncClient>> connections = new ConcurrentHashMap<>();
    private final Set<String> overflow = new HashSet<>();
    private final List<Mqtt5AsyncClient> pool = new ArrayList<>();
    private final Semaphore inFlight;
    private final Semaphore connecting = new Semaphore(CONNECTS_IN_FLIGHT);
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicInteger refusalsLogged = new AtomicInteger();
    private final String clientPrefix;

    /**
     * Connects the pool (SHARED mode) at once; device connections (DEVICE mode) open at each device's first message.
     *
     * @param fallback provisions entities and devices, and carries the telemetry of devices beyond the connection cap;
     *     null for a plain broker (nothing is provisioned)
     * @throws SimulatorException when the pool cannot connect
     */
    public MqttCitySink(Options options, @Nullable CitySink fallback) {
        this.options = options;
        this.fallback = fallback;
        this.inFlight = new Semaphore(options.maxInFlight());
        this.executors = MqttClientExecutorConfig.builder()
                .nettyThreads(Math.max(2, Runtime.getRuntime().availableProcessors()))
                .build();
        this.clientPrefix = "citytwin-sim-" + ProcessHandle.current().pid() + "-";
        if (options.auth() == Auth.SHARED) {
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < options.pool(); i++) {
                Mqtt5AsyncClient c = client(clientPrefix + i);
                Mqtt5ConnectBuilder.Send<
                                CompletableFuture<com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck>>
                        connect = c.connectWith().cleanStart(true).keepAlive(60);
                if (options.username() != null) {
                    connect = connect.simpleAuth()
                            .username(options.username())
                            .password(bytes(options.password() == null ? "" : options.password()))
                            .applySimpleAuth();
                }
                pending.add(connect.send());
                pool.add(c);
            }
            try {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                close();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new SimulatorException(
                        "Cannot connect to the MQTT broker at " + where() + ": " + describe(cause), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new SimulatorException("Interrupted while connecting to " + where(), e);
            }
        }
    }

    private Mqtt5AsyncClient client(String id) {
        return Mqtt5Client.builder()
                .identifier(id)
                .serverHost(options.host())
                .serverPort(options.port())
                .executorConfig(executors)
                .buildAsync();
    }

    private String where() {
        return "mqtt://" + options.host() + ":" + options.port();
    }

    /** The topic a device publishes its telemetry on. */
    public static String topic(String tenant, SimDevice d) {
        return "citytwin/" + tenant + "/devices/" + d.id() + "/telemetry";
    }

    private CitySink provisioner() {
        if (fallback == null) {
            throw new SimulatorException(
                    "A plain MQTT broker has no device registry: nothing to provision (use --no-provision)");
        }
        return fallback;
    }

    @Override
    public void upsertEntities(List<Map<String, Object>> entities) {
        provisioner().upsertEntities(entities);
    }

    @Override
    public void provision(List<SimDevice> devices) {
        provisioner().provision(devices);
    }

    /** DEVICE mode: the device's connection, opened at its first message; null when over the cap. */
    private @Nullable CompletableFuture<Mqtt5AsyncClient> connection(SimDevice d) {
        CompletableFuture<Mqtt5AsyncClient> c = connections.get(d.id());
        if (c != null) {
            return c;
        }
        synchronized (this) {
            c = connections.get(d.id());
            if (c != null) {
                return c;
            }
            if (overflow.contains(d.id())) {
                return null;
            }
            if (connections.size() >= options.maxConnections()) {
                overflow.add(d.id());
                if (overflow.size() == 1) {
                    LOG.info(
                            "{} MQTT connections open (the cap): devices beyond it send their telemetry {}",
                            connections.size(),
                            fallback == null ? "nowhere" : "through the HTTP device API");
                }
                return null;
            }
            try {
                connecting.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SimulatorException("Interrupted while connecting device " + d.id(), e);
            }
            Mqtt5AsyncClient client = client(d.id());
            CompletableFuture<Mqtt5AsyncClient> f = client.connectWith()
                    .cleanStart(true)
                    .keepAlive(300)
                    .simpleAuth()
                    .username(options.tenant() + "/" + d.id())
                    .password(bytes(d.token()))
                    .applySimpleAuth()
                    .send()
                    .whenComplete((ack, error) -> {
                        connecting.release();
                        if (error != null && refusalsLogged.incrementAndGet() <= REFUSALS_LOGGED) {
                            LOG.warn(
                                    "Device {} could not connect to {}: {}{}",
                                    d.id(),
                                    where(),
                                    describe(error),
                                    error instanceof Mqtt5ConnAckException ? " (is it provisioned?)" : "");
                        }
                    })
                    .thenApply(ack -> client);
            connections.put(d.id(), f);
            return f;
        }
    }

    /** The number of devices connected (or connecting) over MQTT; the rest go through the fallback. */
    public int deviceConnections() {
        return options.auth() == Auth.DEVICE ? connections.size() : 0;
    }

    /** The devices beyond the connection cap, whose telemetry went through the fallback. */
    public synchronized int overflowDevices() {
        return overflow.size();
    }

    @Override
    public void send(Telemetry message) {
        SimDevice d = message.device();
        CompletableFuture<Mqtt5AsyncClient> client;
        if (options.auth() == Auth.SHARED) {
            client = CompletableFuture.completedFuture(pool.get(Math.floorMod(d.id().hashCode(), pool.size())));
        } else {
            client = connection(d);
            if (client == null) {
                if (fallback != null) {
                    fallback.send(message);
                } else {
                    failed.incrementAndGet();
                }
                return;
            }
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulatorException("Interrupted while sending", e);
        }
        byte[] payload = message.payload();
        String topic = topic(options.tenant(), d);
        client.thenCompose(c -> c.publishWith()
                        .topic(topic)
                        .qos(MqttQos.AT_LEAST_ONCE)
                        .payload(payload)
                        .send())
                .whenComplete(this::completed);
    }

    private void completed(@Nullable Mqtt5PublishResult result, @Nullable Throwable error) {
        try {
            Throwable e = error;
            if (e == null && result != null && result.getError().isPresent()) {
                e = result.getError().get();
            }
            if (e instanceof CompletionException ce && ce.getCause() != null) {
                e = ce.getCause();
            }
            if (e == null) {
                accepted.incrementAndGet();
            } else if (e instanceof Mqtt5PubAckException) {
                rejected.incrementAndGet();
            } else {
                if (failed.incrementAndGet() <= REFUSALS_LOGGED) {
                    LOG.warn("A publish to {} failed: {}", where(), describe(e));
                }
            }
        } finally {
            inFlight.release();
        }
    }

    @Override
    public void flush() {
        try {
            inFlight.acquire(options.maxInFlight());
            inFlight.release(options.maxInFlight());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fallback != null) {
            fallback.flush();
        }
    }

    @Override
    public Stats stats() {
        Stats own = new Stats(accepted.get(), rejected.get(), failed.get());
        if (fallback == null) {
            return own;
        }
        Stats other = fallback.stats();
        return new Stats(
                own.accepted() + other.accepted(), own.rejected() + other.rejected(), own.failed() + other.failed());
    }

    @Override
    public void close() {
        flush();
        List<CompletableFuture<?>> closing = new ArrayList<>();
        for (Mqtt5AsyncClient c : pool) {
            closing.add(c.disconnect().exceptionally(e -> null));
        }
        for (CompletableFuture<Mqtt5AsyncClient> f : connections.values()) {
            closing.add(f.thenCompose(Mqtt5AsyncClient::disconnect).exceptionally(e -> null));
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("Not every MQTT connection closed cleanly: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (fallback != null) {
            fallback.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
