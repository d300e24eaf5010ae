package io.citytwin.app;

import io.citytwin.twin.TwinException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code citytwin} command line. */
@Command(
        name = "citytwin",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "CityTwin: an open city digital twin and intelligent operations center.",
        subcommands = {
            Main.Serve.class,
            Main.Demo.class,
            DevicesCommand.class,
            SimulateCommand.class,
            EvaluateCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main())
                // the README and the help write sizes in lower case (--size large); accept any case
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    PrintWriter err = cmd.getErr();
                    if (e instanceof TwinException te) {
                        err.println("citytwin: " + te.detail());
                        return 2;
                    }
                    err.println("citytwin: " + e);
                    return 1;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by the commands that run a node. */
    static class NodeOptions {
        @Option(
                names = "--port",
                paramLabel = "N",
                description = "HTTP port of the API (default: 8080, or http.port in the config file).")
        Integer port;

        @Option(
                names = "--host",
                paramLabel = "ADDR",
                description = "Interface to listen on (default: 0.0.0.0, all interfaces).")
        String host;

        @Option(
                names = "--mqtt-port",
                paramLabel = "N",
                description = "Port of the embedded MQTT broker (default: 1883, or mqtt.port in the config file); "
                        + "0 runs no embedded broker.")
        Integer mqttPort;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "Directory for the node's data (default: ./data, or dataDir in the config file).")
        Path dataDir;

        @Option(
                names = "--no-history",
                description = "Do not record the history of attribute values (no temporal API; highest update rate).")
        boolean noHistory;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "YAML configuration file (see docs/configuration.md).")
        Path config;

        CityTwinConfig resolve() {
            CityTwinConfig base = config == null ? CityTwinConfig.defaults() : CityTwinConfig.load(config);
            CityTwinConfig c = base.override(port, host, dataDir);
            if (mqttPort != null) {
                c = c.withMqttPort(mqttPort);
            }
            return noHistory ? c.withHistory(false) : c;
        }
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = "Run a CityTwin node: the NGSI-LD API on the embedded store.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options = new NodeOptions();

        @Override
        public Integer call() {
            CityTwinConfig config = options.resolve();
            Node node;
            try {
                node = Node.start(config, InstantSource.system(), Map.of());
            } catch (TwinException e) {
                if (e.code().equals("http.port-in-use")) {
                    throw new TwinException(
                            e.type(),
                            e.code(),
                            e.detail() + ". Choose another with --port N (or http.port in the config file).");
                }
                if (e.code().equals("mqtt.port-in-use")) {
                    throw new TwinException(
                            e.type(),
                            e.code(),
                            e.detail() + " (another MQTT broker, e.g. Mosquitto, may hold it). Choose another with"
                                    + " --mqtt-port N (or mqtt.port in the config file), or --mqtt-port 0 for none.");
                }
                throw e;
            }
            return runUntilStopped(node, "CityTwin node", config);
        }
    }

    @Command(
            name = "demo",
            mixinStandardHelpOptions = true,
            defaultValueProvider = DemoDefaults.class,
            description = {
                "Run the whole platform on embedded defaults with the sample city loaded and a medium simulated city"
                        + " running against it over HTTP in accelerated time (an hour per minute; --size, --speed,"
                        + " --seed; faults injected, ground truth in the data directory).",
                "If the HTTP or MQTT port is taken, the next free port is used and printed."
            })
    static final class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options = new NodeOptions();

        @CommandLine.Mixin
        SimOptions sim = new SimOptions();

        @Option(names = "--no-simulation", description = "Start without the simulated city (the sample city only).")
        boolean noSimulation;

        @Option(
                names = "--sim-mqtt",
                description = "Feed the simulated city's telemetry through the embedded MQTT broker (one connection"
                        + " per device, its own token) instead of the HTTP device API.")
        boolean simMqtt;

        @Override
        public Integer call() {
            CityTwinConfig config = options.resolve();
            Map<String, Path> sdm = SampleCity.installContexts(config.dataDir());
            int port = config.http().port();
            int mqttPort = config.mqtt().port();
            Node node = null;
            for (int attempt = 0, mqttAttempt = 0; node == null; ) {
                try {
                    node = Node.start(
                            config.override(port + attempt, null, null)
                                    .withMqttPort(mqttPort == 0 ? 0 : mqttPort + mqttAttempt),
                            InstantSource.system(),
                            sdm);
                } catch (TwinException e) {
                    if (e.code().equals("http.port-in-use") && attempt < 20 && port != 0) {
                        System.out.println("Port " + (port + attempt) + " is taken, trying " + (port + attempt + 1));
                        attempt++;
                    } else if (e.code().equals("mqtt.port-in-use") && mqttAttempt < 20) {
                        System.out.println("MQTT port " + (mqttPort + mqttAttempt) + " is taken, trying "
                                + (mqttPort + mqttAttempt + 1));
                        mqttAttempt++;
                    } else {
                        throw e;
                    }
                }
            }
            int created = SampleCity.load(node);
            System.out.println("Sample city: " + created + " Smart Data Models entities created ("
                    + node.twin().size() + " in the twin).");
            String base = "http://localhost:" + node.httpPort();
            System.out.println("Try (the Link header selects the Smart Data Models vocabulary, resolved offline):");
            System.out.println("  curl '" + base + "/ngsi-ld/v1/entities?type=Streetlight&options=keyValues' \\");
            System.out.println("    -H 'Link: <" + SampleCity.STREETLIGHTING_CONTEXT
                    + ">; rel=\"http://www.w3.org/ns/json-ld#context\"'");
            if (!noSimulation) {
                URI self = URI.create("http://127.0.0.1:" + node.httpPort());
                Path truth = config.dataDir().resolve("ground-truth.jsonl");
                if (sim.reportsTo == null && node.incidents().isPresent()) {
                    // the simulated citizens report to the node's own Open311 endpoint (docs/open311.md)
                    sim.reportsTo = URI.create(self + "/open311/v2");
                }
                if (simMqtt && node.mqttPort() <= 0) {
                    throw new IllegalArgumentException("--sim-mqtt needs the embedded MQTT broker (not --mqtt-port 0)");
                }
                SimTarget target = simMqtt
                        ? new SimTarget(
                                URI.create("mqtt://127.0.0.1:" + node.mqttPort()),
                                self,
                                "default",
                                true,
                                20_000,
                                1,
                                null,
                                null)
                        : SimTarget.http(self);
                Thread.ofVirtual().name("citytwin-simulator").start(() -> {
                    try {
                        CitySimulator.run(sim, target, truth, InstantSource.system(), System.out, simMqtt);
                    } catch (RuntimeException e) {
                        System.err.println("The simulated city stopped: " + e.getMessage());
                    }
                });
            }
            return runUntilStopped(node, "CityTwin demo", config);
        }
    }

    /**
     * The demo's own defaults where they differ from {@code simulate}'s: a medium city (~20,000 things) in accelerated
     * time (60 simulated seconds per second), so that a day of the city, with its rush hours, dusk and dawn and night
     * water flow, passes in 24 minutes. {@code simulate} keeps a small city in real time, the safer default for a
     * load generator pointed at somebody's server.
     */
    static final class DemoDefaults implements CommandLine.IDefaultValueProvider {
        @Override
        public @Nullable String defaultValue(CommandLine.Model.ArgSpec argSpec) {
            if (argSpec instanceof CommandLine.Model.OptionSpec o) {
                return switch (o.longestName()) {
                    case "--size" -> "MEDIUM";
                    case "--speed" -> "60";
                    default -> null;
                };
            }
            return null;
        }
    }

    private static int runUntilStopped(Node node, String what, CityTwinConfig config) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            node.close();
                            stopped.countDown();
                        },
                        "citytwin-shutdown"));
        String host = config.http().host().equals("0.0.0.0")
                ? "localhost"
                : config.http().host();
        String base = "http://" + host + ":" + node.httpPort();
        System.out.println();
        System.out.println(
                what + " is running. Data: " + config.dataDir().toAbsolutePath().normalize());
        if (node.dashboard().isPresent()) {
            System.out.println("  Dashboard    " + base + "/");
        }
        System.out.println("  NGSI-LD API  " + base + "/ngsi-ld/v1/types");
        System.out.println("  Health       " + base + "/health");
        System.out.println("  Metrics      " + base + "/metrics");
        if (node.mqttPort() > 0) {
            System.out.println("  MQTT broker  mqtt://" + host + ":" + node.mqttPort());
        }
        System.out.println("Press Ctrl+C to stop.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Prints the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"citytwin " + (v == null ? "dev" : v)};
        }
    }
}
