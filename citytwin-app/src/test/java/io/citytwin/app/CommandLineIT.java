package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line and the configuration file, as an operator meets them. */
class CommandLineIT {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void help_isThereForEveryCommand() {
        assertThat(run("--help").out()).contains("serve", "demo", "simulate", "evaluate");
        assertThat(run("evaluate", "--help").out())
                .contains("--ground-truth", "--alarms", "--tolerance", "--json", "--incidents", "--handle-time");
        assertThat(run("serve", "--help").out()).contains("--port", "--data-dir", "--config", "--host", "--no-history");
        assertThat(run("demo", "--help").out())
                .contains("--port", "next free port", "--size", "--speed", "--no-simulation", "--sim-mqtt", "--rate");
        assertThat(run("simulate", "--help").out())
                .contains(
                        "--target",
                        "--size",
                        "--seed",
                        "--speed",
                        "--from",
                        "--to",
                        "--fault-rate",
                        "--ground-truth",
                        "--rate",
                        "--no-provision",
                        "--reports",
                        "--reports-to",
                        "--city-geojson",
                        "mqtt://");
        assertThat(run("--version").out()).startsWith("citytwin ");
        assertThat(run("serve", "--bogus").exit()).isEqualTo(2);
    }

    @Test
    void serve_onATakenPort_failsNamingTheOptionToChange() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Run r = run(
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(taken.getLocalPort()),
                    "--data-dir",
                    dir.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("already in use").contains("--port");
        }
    }

    @Test
    void demo_onATakenPort_saysSo_andUsesTheNextFreeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            StringBuilder out = new StringBuilder();
            CrashIT.Child demo = CrashIT.Child.start(
                    out, "demo", "--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir", dir.toString());
            try {
                assertThat(out).contains("Port " + port + " is taken");
                assertThat(demo.port()).isGreaterThan(port);
                Api api = new Api(demo.port());
                assertThat(api.get("/health").obj()).containsEntry("status", "UP");
                assertThat(api.get("/ngsi-ld/v1/types").obj().get("typeList").toString())
                        .contains("https://smartdatamodels.org/dataModel.Streetlighting/Streetlight");
                // the simulated city is provisioned in the background and its detectors report every minute
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
                String reported = null;
                while (System.nanoTime() < deadline && reported == null) {
                    Api.Res r = api.get("/ngsi-ld/v1/entities?type=TrafficFlowObserved&attrs=intensity&limit=1"
                            + "&q=intensity%3E%3D0&count=true");
                    if (r.status() == 200 && !"0".equals(r.header("NGSILD-Results-Count"))) {
                        reported = r.header("NGSILD-Results-Count");
                    } else {
                        Thread.sleep(500);
                    }
                }
                assertThat(reported).as("simulated detectors reported").isNotNull();
                assertThat(dir.resolve("ground-truth.jsonl")).exists();
            } finally {
                demo.kill();
            }
        }
    }

    @Test
    void configFile_isRead_andUnknownKeysAreRefused() throws IOException {
        Path good = dir.resolve("good.yaml");
        Files.writeString(
                good,
                """
                dataDir: /var/lib/citytwin
                http:
                  port: 9090
                  maxLimit: 500
                store:
                  synchronous: full
                  journalRetention: 5000
                history:
                  enabled: false
                contexts:
                  allowRemote: false
                  fetchTimeout: PT2S
                  mappings:
                    "https://example.org/ctx.jsonld": /etc/ctx.jsonld
                """);
        CityTwinConfig c = CityTwinConfig.load(good);
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/citytwin"));
        assertThat(c.http().port()).isEqualTo(9090);
        assertThat(c.http().maxLimit()).isEqualTo(500);
        assertThat(c.http().defaultLimit()).isEqualTo(20);
        assertThat(c.store().synchronous()).isEqualTo("FULL");
        assertThat(c.store().journalRetention()).isEqualTo(5000L);
        assertThat(CityTwinConfig.defaults().store().journalRetention()).isEqualTo(2_000_000L);
        assertThat(c.contexts().allowRemote()).isFalse();
        assertThat(c.history().enabled()).isFalse();
        assertThat(CityTwinConfig.defaults().history().enabled()).isTrue();
        assertThat(c.contexts().fetchTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.contexts().mappings()).containsEntry("https://example.org/ctx.jsonld", Path.of("/etc/ctx.jsonld"));
        assertThat(c.override(7070, null, null).http().port()).isEqualTo(7070);

        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "http:\n  prot: 9090\n");
        assertThatThrownBy(() -> CityTwinConfig.load(typo))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("prot")
                .hasMessageContaining("port");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "store:\n  synchronous: sometimes\n");
        assertThatThrownBy(() -> CityTwinConfig.load(bad))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("NORMAL");
        assertThat(CityTwinConfig.load(Files.writeString(dir.resolve("empty.yaml"), ""))
                        .http()
                        .port())
                .isEqualTo(8080);
        assertThat(run("serve", "--config", dir.resolve("missing.yaml").toString())
                        .err())
                .contains("not found");
    }
}
