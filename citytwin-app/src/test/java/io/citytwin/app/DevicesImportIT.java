package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code citytwin devices import FILE}: bulk provisioning through the registry, then served by a node. */
class DevicesImportIT {
    @TempDir
    Path dir;

    private static int run(StringWriter out, String... args) {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        return cl.execute(args);
    }

    @Test
    void importsCsvAndJson_reportsDuplicates_andTheNodeServesTheDevices() throws Exception {
        StringWriter help = new StringWriter();
        assertThat(run(help, "devices", "import", "--help")).isZero();
        assertThat(help.toString()).contains("CSV", "JSON", "--data-dir", "--tenant");

        Path data = dir.resolve("data");
        Path csv = dir.resolve("devices.csv");
        Files.writeString(
                csv,
                """
                id,entityId,entityType,token,format
                csv-1,urn:ngsi-ld:Streetlight:csv-1,Streetlight,tok-1-0123456789abcdefgh,compact
                csv-2,urn:ngsi-ld:Streetlight:csv-2,Streetlight,tok-2-0123456789abcdefgh,json
                """);
        Path json = dir.resolve("devices.json");
        Files.writeString(
                json,
                """
                [{"id": "json-1", "entityId": "urn:ngsi-ld:WaterMeter:json-1", "entityType": "WaterMeter",
                  "credentials": {"username": "json-1-user", "password": "pw"},
                  "mapping": {"v": {"attribute": "volume", "unitCode": "MTQ", "type": "number"}}},
                 {"id": "csv-1", "entityId": "urn:ngsi-ld:X:dup", "entityType": "X", "credentials": {"token": "t-0123456789abcdefghij"}}]
                """);
        StringWriter out = new StringWriter();
        assertThat(run(out, "devices", "import", csv.toString(), "--data-dir", data.toString(), "--tenant", "city"))
                .isZero();
        assertThat(out.toString()).contains("Imported 2 of 2");
        StringWriter out2 = new StringWriter();
        assertThat(run(out2, "devices", "import", json.toString(), "--data-dir", data.toString(), "--tenant", "city"))
                .isEqualTo(1);
        assertThat(out2.toString())
                .contains("Imported 1 of 2")
                .contains("entry 2")
                .contains("already exists");

        try (Node node = Node.start(
                CityTwinConfig.defaults().override(0, "127.0.0.1", data).withMqttPort(0),
                InstantSource.system(),
                Map.of())) {
            Api api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "city");
            assertThat(api.get("/iot/v1/devices").list()).hasSize(3);
            assertThat(api.get("/iot/v1/devices/csv-1").obj()).containsEntry("format", "compact");
            assertThat(api.post(
                                    "/iot/v1/devices/csv-1/telemetry",
                                    "on|true",
                                    "Authorization",
                                    "Bearer tok-1-0123456789abcdefgh")
                            .status())
                    .isEqualTo(204);
            assertThat(api.get("/ngsi-ld/v1/entities/urn:ngsi-ld:Streetlight:csv-1?options=keyValues")
                            .obj())
                    .containsEntry("on", true);
        }
    }
}
