package io.citytwin.app;

import io.citytwin.command.CommandService;
import io.citytwin.command.ReportedValues;
import io.citytwin.device.DeviceAuthenticator;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.device.sqlite.SqliteCommandStore;
import io.citytwin.device.sqlite.SqliteDeviceStateStore;
import io.citytwin.event.EventLog;
import io.citytwin.ingest.IngestListener;
import io.citytwin.ingest.IngestOutcome;
import io.citytwin.ingest.IngestService;
import io.citytwin.mqtt.ExternalBrokerClient;
import io.citytwin.mqtt.MqttBroker;
import io.citytwin.mqtt.MqttOptions;
import io.citytwin.twin.Twin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of a node: the shared {@link IngestService} (used by HTTP telemetry and MQTT), its metrics, the
 * periodic offline sweep, and the embedded broker and/or external broker client.
 */
final class DeviceIngest implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceIngest.class);
    /**
     * How often device health goes to device-health.db: at most one row per device per write, so the cost is bounded
     * by the devices and this interval; a kill -9 loses at most this much of the counters and last-seen times.
     */
    static final int HEALTH_WRITE_SECONDS = 5;

    final IngestService ingest;
    private final ScheduledExecutorService sweeper;
    private @Nullable MqttBroker broker;
    private @Nullable ExternalBrokerClient external;
    private @Nullable CommandService commands;
    private @Nullable SqliteCommandStore commandStore;
    private @Nullable SqliteDeviceStateStore healthStore;
    /** A listener added after creation (the rules engine's decode-error signal); see {@link #forward}. */
    private static final class Forward implements IngestListener {
        volatile IngestListener target = IngestListener.NONE;

        @Override
        public void completed(
                io.citytwin.device.Device device,
                io.citytwin.ingest.Channel channel,
                IngestOutcome outcome,
                long nanos) {
            target.completed(device, channel, outcome, nanos);
        }
    }

    private Forward forward;

    /** Also tells {@code l} about every finished payload (one forward listener; a later call replaces it). */
    void forward(IngestListener l) {
        forward.target = l;
    }

    private DeviceIngest(IngestService ingest, ScheduledExecutorService sweeper, Forward forward) {
        this.ingest = ingest;
        this.sweeper = sweeper;
        this.forward = forward;
    }

    static DeviceIngest create(Twin twin, InstantSource clock, MeterRegistry metrics, MqttConfig mqtt) {
        Timer latency = Timer.builder("citytwin.ingest.latency")
                .description("From receipt of a device payload to its durable twin write")
                .publishPercentiles(0.5, 0.99)
                .register(metrics);
        Forward forward = new Forward();
        IngestListener listener = (device, channel, outcome, nanos) -> {
            if (outcome instanceof IngestOutcome.Applied) {
                latency.record(nanos, TimeUnit.NANOSECONDS);
            }
            forward.completed(device, channel, outcome, nanos);
        };
        IngestService ingest = new IngestService(
                twin, clock, IngestService.Options.DEFAULTS.withOfflineAfter(mqtt.offlineAfter()), listener);
        FunctionCounter.builder("citytwin.ingest.messages", ingest, IngestService::messages)
                .description("Device payloads received (HTTP and MQTT)")
                .register(metrics);
        FunctionCounter.builder("citytwin.ingest.points", ingest, IngestService::points)
                .description("Device readings applied to the twin")
                .register(metrics);
        FunctionCounter.builder("citytwin.ingest.decode.errors", ingest, IngestService::malformed)
                .description("Device payloads that could not be decoded")
                .register(metrics);
        FunctionCounter.builder("citytwin.ingest.field.errors", ingest, IngestService::fieldErrors)
                .description("Device fields that could not be mapped")
                .register(metrics);
        FunctionCounter.builder("citytwin.ingest.failed", ingest, IngestService::failed)
                .description("Device payloads whose twin write failed")
                .register(metrics);
        FunctionCounter.builder("citytwin.ingest.refused", ingest, IngestService::refusedCount)
                .description("Device payloads refused by a size or rate limit")
                .register(metrics);
        Gauge.builder("citytwin.ingest.queue.depth", ingest, IngestService::queueDepth)
                .description("Device payloads queued for the twin")
                .register(metrics);
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("citytwin-device-offline").factory());
        long period = Math.max(1, Math.min(mqtt.offlineAfter().toSeconds() / 4, 30));
        sweeper.scheduleWithFixedDelay(
                () -> {
                    try {
                        int n = ingest.markOffline();
                        if (n > 0) {
                            LOG.info("{} device(s) went offline", n);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("Offline sweep failed", e);
                    }
                },
                period,
                period,
                TimeUnit.SECONDS);
        return new DeviceIngest(ingest, sweeper, forward);
    }

    /**
     * Keeps device health (last seen, counters, online/offline) and dead letters in {@code dataDir/device-health.db}
     * across restarts: health written in one batch every {@value #HEALTH_WRITE_SECONDS} s, new dead letters within a
     * second. Call before devices can send.
     */
    void persistHealth(Path dataDir, InstantSource clock, MeterRegistry metrics) {
        SqliteDeviceStateStore store = SqliteDeviceStateStore.open(dataDir, clock);
        healthStore = store;
        ingest.persistTo(store, Duration.ofSeconds(HEALTH_WRITE_SECONDS));
        FunctionCounter.builder("citytwin.ingest.deadletters.dropped", ingest, IngestService::droppedDeadLetters)
                .description("Dead letters dropped because a device or the node held too many (oldest first)")
                .register(metrics);
        FunctionCounter.builder("citytwin.ingest.health.write.failures", ingest, IngestService::failedHealthWrites)
                .description("Failed batch writes of device health (retried with the next batch)")
                .register(metrics);
    }

    /**
     * Starts the command service (commands down to devices, see docs/devices.md): its store under {@code dataDir},
     * the event log consumer {@value CommandService#CONSUMER}, expiry once a second; ingest notes what devices report
     * for their command attributes so that their own changes send no commands.
     */
    CommandService startCommands(
            EventLog log,
            Twin twin,
            DeviceRegistry registry,
            Path dataDir,
            InstantSource clock,
            MeterRegistry metrics,
            MqttConfig mqtt) {
        SqliteCommandStore store = SqliteCommandStore.open(dataDir, clock);
        ReportedValues reported = new ReportedValues();
        ingest.reportCommandsTo(reported);
        CommandService service = new CommandService(
                log,
                twin,
                store,
                registry,
                reported,
                clock,
                new CommandService.Options(mqtt.commandExpiry(), mqtt.commandQueue(), Duration.ofDays(1)),
                (problem, cause) -> LOG.warn("Commands: {}", problem, cause));
        commandStore = store;
        commands = service;
        try {
            service.start(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            service.close();
            store.close();
            commands = null;
            commandStore = null;
            throw e;
        }
        FunctionCounter.builder("citytwin.commands.issued", service, CommandService::issued)
                .description("Commands issued to devices")
                .register(metrics);
        FunctionCounter.builder("citytwin.commands.acknowledged", service, CommandService::acknowledged)
                .description("Command acknowledgements recorded (OK or ERROR)")
                .register(metrics);
        FunctionCounter.builder("citytwin.commands.expired", service, CommandService::expired)
                .description("Commands expired (no acknowledgement in time, full queue, superseded)")
                .register(metrics);
        Gauge.builder("citytwin.commands.open", service, CommandService::openCount)
                .description("Commands waiting for their device")
                .register(metrics);
        return service;
    }

    /**
     * Starts the embedded broker (unless {@code mqtt.port} is 0) and the external broker client (when configured).
     *
     * @throws io.citytwin.twin.TwinException {@code mqtt.port-in-use}, {@code mqtt.start-failed}, {@code
     *     mqtt.external-failed}
     */
    void startMqtt(
            MqttConfig mqtt,
            String httpHost,
            Path dataDir,
            DeviceRegistry registry,
            DeviceAuthenticator authenticator,
            InstantSource clock,
            MeterRegistry metrics) {
        if (mqtt.port() > 0) {
            MqttOptions options = MqttOptions.defaults(mqtt.port(), dataDir.resolve("mqtt"))
                    .withHost(mqtt.host() == null ? httpHost : mqtt.host())
                    .withLimits(mqtt.maxMessageBytes(), mqtt.messagesPerSecond(), mqtt.burst());
            MqttConfig.Tls tls = mqtt.tls();
            if (tls != null) {
                options = options.withTls(new MqttOptions.Tls(
                        tls.port(),
                        tls.keystore(),
                        tls.password(),
                        tls.clientAuth(),
                        tls.truststore(),
                        tls.truststorePassword()));
            }
            broker = MqttBroker.start(options, authenticator, ingest, metrics, commands);
        }
        MqttConfig.External ext = mqtt.external();
        if (ext != null) {
            external = ExternalBrokerClient.connect(
                    new ExternalBrokerClient.Settings(
                            ext.url(),
                            ext.clientId(),
                            ext.username(),
                            ext.password(),
                            ext.sharedSubscription(),
                            ext.shareGroup()),
                    registry,
                    ingest,
                    clock,
                    metrics,
                    commands);
        }
    }

    /** The embedded broker's port, 0 when it is off. */
    int mqttPort() {
        return broker == null ? 0 : broker.port();
    }

    /** Stops taking device messages: brokers first, then the ingest lanes (which finish what is queued). */
    void closeMqtt() {
        if (external != null) {
            external.close();
            external = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @Override
    public void close() {
        closeMqtt();
        sweeper.shutdownNow();
        ingest.close(); // writes the device health one last time
        if (healthStore != null) {
            healthStore.close();
        }
        if (commands != null) {
            commands.close();
        }
        if (commandStore != null) {
            commandStore.close();
        }
    }

    /** The command service, once started. */
    @Nullable
    CommandService commands() {
        return commands;
    }
}
