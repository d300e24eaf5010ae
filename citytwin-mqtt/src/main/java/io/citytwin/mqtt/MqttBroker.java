package io.citytwin.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.citytwin.command.CommandService;
import io.citytwin.device.DeviceAuthenticator;
import io.citytwin.ingest.IngestService;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded MQTT broker (HiveMQ CE, MQTT 3.1.1 and 5) with the CityTwin extension: device authentication at
 * CONNECT, the topic ACL, per-device size and rate limits, and in-process ingestion with durable QoS 1. HiveMQ's
 * {@code conf}, {@code data} and {@code extensions} folders live under {@link MqttOptions#homeDir()}; its own session
 * persistence is in memory (the twin is the durable state; devices reconnect with clean sessions).
 *
 * <p>Metrics: {@code citytwin_mqtt_messages_in_total}, {@code citytwin_mqtt_refused_total{reason}}, {@code
 * citytwin_mqtt_connections}.
 */
public final class MqttBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttBroker.class);

    /** How often HiveMQ's extension task maps are compacted (see {@link ExtensionQueueCompactor}). */
    private static final long COMPACT_EVERY_MS = 5_000;

    private final EmbeddedHiveMQ hivemq;
    private final MqttOptions options;
    private final Refusals refusals;
    private final @Nullable ExtensionQueueCompactor compactor;
    private final @Nullable Thread compacting;

    private MqttBroker(EmbeddedHiveMQ hivemq, MqttOptions options, Refusals refusals) {
        this.hivemq = hivemq;
        this.options = options;
        this.refusals = refusals;
        this.compactor = ExtensionQueueCompactor.attach(hivemq).orElse(null);
        this.compacting = compactor == null
                ? null
                : Thread.ofVirtual().name("citytwin-mqtt-compactor").start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            Thread.sleep(COMPACT_EVERY_MS);
                        } catch (InterruptedException e) {
                            return;
                        }
                        compactor.compact();
                    }
                });
    }

    /**
     * Starts the broker; returns once it accepts connections (about 3 s).
     *
     * @throws TwinException {@code mqtt.port-in-use} when the port is taken; {@code mqtt.start-failed} otherwise
     */
    public static MqttBroker start(
            MqttOptions options, DeviceAuthenticator authenticator, IngestService ingest, MeterRegistry metrics) {
        return start(options, authenticator, ingest, metrics, null);
    }

    /**
     * Starts the broker with device commands: {@code commands} gets the broker as a transport (devices subscribed to
     * their {@code commands} topic receive them in-process) and the acknowledgements devices publish.
     *
     * @throws TwinException {@code mqtt.port-in-use} when the port is taken; {@code mqtt.start-failed} otherwise
     */
    public static MqttBroker start(
            MqttOptions options,
            DeviceAuthenticator authenticator,
            IngestService ingest,
            MeterRegistry metrics,
            @Nullable CommandService commands) {
        checkPortFree(options.host(), options.port());
        if (options.tls() != null) {
            checkPortFree(options.host(), options.tls().port());
        }
        Path home = options.homeDir().toAbsolutePath().normalize();
        Path conf = home.resolve("conf");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(home.resolve("data"));
            Files.createDirectories(home.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), config(options));
        } catch (IOException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "mqtt.start-failed", "Cannot prepare the MQTT broker folder " + home, e);
        }
        Refusals refusals = new Refusals(metrics);
        DeviceSessions sessions = new DeviceSessions(options);
        Counter in = Counter.builder("citytwin.mqtt.messages.in")
                .description("MQTT publishes received from devices")
                .register(metrics);
        DeviceConnectAuthenticator auth = new DeviceConnectAuthenticator(authenticator, sessions, refusals);
        DeviceTopicAuthorizer acl = new DeviceTopicAuthorizer(refusals);
        CommandChannel channel = commands == null ? null : new CommandChannel(commands, sessions, refusals);
        IngestInterceptor interceptor = new IngestInterceptor(ingest, sessions, refusals, options, in, channel);
        ExtensionMain main = new ExtensionMain() {
            @Override
            public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                Services.securityRegistry().setAuthenticatorProvider(i -> auth);
                Services.securityRegistry().setAuthorizerProvider(i -> acl);
                Services.initializerRegistry().setClientInitializer((i, client) -> {
                    client.addPublishInboundInterceptor(interceptor);
                    if (channel != null) {
                        client.addSubackOutboundInterceptor(channel);
                    }
                });
                if (channel != null) {
                    channel.start(Services.publishService());
                    Services.eventRegistry().setClientLifecycleEventListener(i -> channel);
                }
                var gauges = Services.metricRegistry().getGauges();
                io.micrometer.core.instrument.Gauge.builder(
                                "citytwin.mqtt.connections",
                                gauges,
                                g -> g.get("com.hivemq.networking.connections.current")
                                                        instanceof com.codahale.metrics.Gauge<?> c
                                                && c.getValue() instanceof Number n
                                        ? n.doubleValue()
                                        : Double.NaN)
                        .description("Open MQTT connections on the embedded broker")
                        .register(metrics);
            }

            @Override
            public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
                // nothing to release: the providers go with the broker
            }
        };
        EmbeddedExtension extension = EmbeddedExtension.builder()
                .withId("citytwin")
                .withName("CityTwin devices")
                .withVersion("1")
                .withAuthor("CityTwin")
                .withPriority(1000)
                .withStartPriority(1000)
                .withExtensionMain(main)
                .build();
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(home.resolve("data"))
                .withExtensionsFolder(home.resolve("extensions"))
                .withEmbeddedExtension(extension)
                .withoutLoggingBootstrap()
                .build();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            closeQuietly(hivemq);
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR,
                    "mqtt.start-failed",
                    "The MQTT broker did not start: " + (e.getCause() == null ? e : e.getCause()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(hivemq);
            throw new TwinException(ErrorType.INTERNAL_ERROR, "mqtt.start-failed", "Interrupted while starting", e);
        }
        if (channel != null) {
            commands.addTransport(channel);
        }
        LOG.info("MQTT broker listening on {}:{}", options.host(), options.port());
        return new MqttBroker(hivemq, options, refusals);
    }

    /** The MQTT TCP port. */
    public int port() {
        return options.port();
    }

    /** Refusals counted so far for {@code reason} (tests, diagnostics). */
    public long refused(String reason) {
        return refusals.count(reason);
    }

    /**
     * HiveMQ extension task maps replaced by fresh copies since the start, or -1 when the compactor could not attach
     * to this HiveMQ version (tests, diagnostics; see {@link ExtensionQueueCompactor}).
     */
    public long extensionMapsCompacted() {
        return compactor == null ? -1 : compactor.compactions();
    }

    /** Compacts HiveMQ's extension task maps now (tests); returns how many were replaced, -1 without a compactor. */
    int compactExtensionMaps() {
        return compactor == null ? -1 : compactor.compact();
    }

    /** Stops the broker (open connections are closed). */
    @Override
    public void close() {
        if (compacting != null) {
            compacting.interrupt();
        }
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The MQTT broker did not stop cleanly", e);
        }
        closeQuietly(hivemq);
    }

    private static void closeQuietly(EmbeddedHiveMQ hivemq) {
        try {
            hivemq.close();
        } catch (Exception e) {
            LOG.debug("Closing HiveMQ", e);
        }
    }

    /** Whether {@code port} can be bound on {@code host} now. */
    public static boolean isPortFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkPortFree(String host, int port) {
        if (!isPortFree(host, port)) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "mqtt.port-in-use", "MQTT port " + port + " on " + host + " is in use");
        }
    }

    private static String config(MqttOptions o) {
        StringBuilder x = new StringBuilder();
        x.append("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
        x.append("    <tcp-listener><port>")
                .append(o.port())
                .append("</port><bind-address>")
                .append(xml(o.host()))
                .append("</bind-address></tcp-listener>\n");
        MqttOptions.Tls tls = o.tls();
        if (tls != null) {
            x.append("    <tls-tcp-listener><port>")
                    .append(tls.port())
                    .append("</port><bind-address>")
                    .append(xml(o.host()))
                    .append("</bind-address><tls><keystore><path>")
                    .append(xml(tls.keystore().toAbsolutePath().toString()))
                    .append("</path><password>")
                    .append(xml(tls.keystorePassword()))
                    .append("</password><private-key-password>")
                    .append(xml(tls.keystorePassword()))
                    .append("</private-key-password></keystore>");
            if (tls.truststore() != null) {
                x.append("<truststore><path>")
                        .append(xml(tls.truststore().toAbsolutePath().toString()))
                        .append("</path><password>")
                        .append(xml(tls.truststorePassword() == null ? "" : tls.truststorePassword()))
                        .append("</password></truststore>");
            }
            x.append("<client-authentication-mode>")
                    .append(tls.clientAuth() ? "REQUIRED" : "OPTIONAL")
                    .append("</client-authentication-mode></tls></tls-tcp-listener>\n");
        }
        x.append("  </listeners>\n");
        x.append("  <persistence><mode>in-memory</mode></persistence>\n");
        x.append("  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n");
        x.append("</hivemq>\n");
        return x.toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
