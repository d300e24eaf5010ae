package io.citytwin.app;

import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code citytwin simulate}: the simulated city against a running node. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the simulated city against a running CityTwin node: provisions its entities and devices over the"
                    + " HTTP APIs, then sends the devices' telemetry in real time, accelerated (--speed) or as fast"
                    + " as possible (--speed 0 --to TIME, for backfilling history). Faults are injected at the"
                    + " default rates and written to a ground-truth log.",
            "With --target mqtt://host:port each device publishes its telemetry on"
                    + " citytwin/{tenant}/devices/{id}/telemetry (QoS 1) over its own connection with its own token,"
                    + " provisioned through the node's HTTP API (--api); against a plain MQTT broker use"
                    + " --no-provision (a small pool of connections carries every device's topic)."
        })
final class SimulateCommand implements Callable<Integer> {
    @Option(
            names = "--target",
            paramLabel = "URL",
            description =
                    "The node's HTTP address, or mqtt://host:port to publish over MQTT. Default: ${DEFAULT-VALUE}.")
    URI target = URI.create("http://127.0.0.1:8080");

    @Option(
            names = "--api",
            paramLabel = "URL",
            description = "With an MQTT target: the node's HTTP address for provisioning entities and devices."
                    + " Default: port 8080 of the MQTT host.")
    @Nullable
    URI api;

    @Option(
            names = "--tenant",
            paramLabel = "NAME",
            description = "The NGSI-LD tenant of the city (topics, device usernames). Default: ${DEFAULT-VALUE}.")
    String tenant = "default";

    @Option(
            names = "--no-provision",
            description = "Do not create entities or register devices: the target already has them, or it is a plain"
                    + " MQTT broker (Mosquitto...) without a CityTwin registry.")
    boolean noProvision;

    @Option(
            names = "--mqtt-connections",
            paramLabel = "N",
            description = "CityTwin broker: devices with their own MQTT connection at most (also capped by the"
                    + " open-files limit); the others send over HTTP. Default: ${DEFAULT-VALUE}.")
    int mqttConnections = 20_000;

    @Option(
            names = "--mqtt-pool",
            paramLabel = "N",
            description = "Plain broker (--no-provision): connections carrying every device's topic."
                    + " Default: ${DEFAULT-VALUE}.")
    int mqttPool = 4;

    @Option(
            names = "--mqtt-username",
            paramLabel = "NAME",
            description = "Plain broker: the username to connect with (default: anonymous).")
    @Nullable
    String mqttUsername;

    @Option(
            names = "--mqtt-password",
            paramLabel = "SECRET",
            description = "Plain broker: the password of --mqtt-username.")
    @Nullable
    String mqttPassword;

    @CommandLine.Mixin
    SimOptions sim = new SimOptions();

    @Override
    public Integer call() {
        SimTarget t =
                new SimTarget(target, api, tenant, !noProvision, mqttConnections, mqttPool, mqttUsername, mqttPassword);
        long sent = CitySimulator.run(sim, t, Path.of("ground-truth.jsonl"), InstantSource.system(), System.out);
        System.out.println("Done: " + sent + " messages sent.");
        return 0;
    }
}
