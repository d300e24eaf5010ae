package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code citytwin evaluate} as an operator runs it: ground truth and alarms from files, and alarms read page by page
 * from a node's alarms API (contract A) over real HTTP on loopback.
 */
class EvaluateCommandIT {
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

    private Path groundTruth() throws IOException {
        return Files.writeString(
                dir.resolve("ground-truth.jsonl"),
                """
                {"id":"f-0","type":"LAMP_FAILURE","entity":"urn:ngsi-ld:Streetlight:a","start":"2026-11-17T20:00:00Z","end":"2026-11-17T22:00:00Z","related":["urn:ngsi-ld:StreetlightGroup:g"]}
                {"id":"f-1","type":"LAMP_FAILURE","entity":"urn:ngsi-ld:Streetlight:b","start":"2026-11-17T20:30:00Z","end":"2026-11-17T21:00:00Z"}
                {"id":"f-2","type":"WATER_LEAK","entity":"urn:ngsi-ld:DistrictMeteredArea:d","start":"2026-11-17T20:00:00Z","end":"2026-11-18T08:00:00Z"}
                """);
    }

    private static String alarm(String id, String type, String originator, String first) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"domain\":\"" + type.substring(0, type.indexOf('.'))
                + "\",\"severity\":\"major\",\"state\":\"active\",\"originator\":\"" + originator
                + "\",\"firstOccurrence\":\"" + first + "\",\"lastOccurrence\":\"" + first + "\",\"count\":1}";
    }

    @Test
    void fromFiles_printsPerTypeScores_andJson() throws IOException {
        Path truth = groundTruth();
        Path alarms = Files.writeString(
                dir.resolve("alarms.json"),
                "["
                        + String.join(
                                ",",
                                alarm(
                                        "a1",
                                        "lighting.lamp-failure",
                                        "urn:ngsi-ld:Streetlight:a",
                                        "2026-11-17T20:06:00Z"),
                                alarm(
                                        "a2",
                                        "lighting.lamp-failure",
                                        "urn:ngsi-ld:StreetlightGroup:g",
                                        "2026-11-17T20:08:00Z"),
                                alarm(
                                        "a3",
                                        "lighting.lamp-failure",
                                        "urn:ngsi-ld:Streetlight:z",
                                        "2026-11-17T20:09:00Z"),
                                alarm(
                                        "a4",
                                        "traffic.congestion",
                                        "urn:ngsi-ld:TrafficFlowObserved:t",
                                        "2026-11-17T20:09:00Z"))
                        + "]");
        Run text = run("evaluate", "--ground-truth", truth.toString(), "--alarms", alarms.toString());
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out())
                .containsPattern("lighting\\.lamp-failure\\s+2\\s+1\\s+0\\.50\\s+3\\s+2\\s+0\\.67\\s+PT6M\\s+PT6M")
                .containsPattern("water\\.leak\\s+1\\s+0\\s+0\\.00\\s+0\\s+0\\s+-")
                .contains("traffic.congestion=1")
                .contains("Missed faults (2)");

        Run json = run(
                "evaluate",
                "--ground-truth",
                truth.toString(),
                "--alarms",
                alarms.toString(),
                "--tolerance",
                "PT0S",
                "--json");
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertThat(report.get("tolerance").asText()).isEqualTo("PT0S");
        assertThat(report.get("types").get(0).get("alarmType").asText()).isEqualTo("lighting.lamp-failure");
        assertThat(report.get("types").get(0).get("recall").asDouble()).isEqualTo(0.5);
        assertThat(report.get("total").get("faults").asInt()).isEqualTo(3);
        assertThat(report.get("misses")).hasSize(2);

        Files.writeString(alarms, "{\"id\":\"x\",\"type\":\"water.leak\"}\n");
        Run bad = run("evaluate", "--ground-truth", truth.toString(), "--alarms", alarms.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("'originator' is missing");
    }

    @Test
    void fromANode_readsEveryStateAndEveryPage() throws IOException {
        Path truth = groundTruth();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 230; i++) { // three pages of 100; one of them detects the leak
            all.add(
                    i == 150
                            ? alarm("leak", "water.leak", "urn:ngsi-ld:DistrictMeteredArea:d", "2026-11-17T23:00:00Z")
                            : alarm("c" + i, "traffic.congestion", "urn:ngsi-ld:T:" + i, "2026-11-17T20:00:00Z"));
        }
        List<String> queries = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/alarms", ex -> {
            String q = ex.getRequestURI().getQuery();
            queries.add(q);
            Map<String, String> p = new java.util.HashMap<>();
            for (String kv : q.split("&")) {
                p.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
            int offset = Integer.parseInt(p.get("offset"));
            int limit = Integer.parseInt(p.get("limit"));
            byte[] body = ("["
                            + String.join(
                                    ",",
                                    all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size())))
                            + "]")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("X-Total-Count", String.valueOf(all.size()));
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URI node = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            Run r = run("evaluate", "--ground-truth", truth.toString(), "--alarms", node.toString(), "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode report = new ObjectMapper().readTree(r.out());
            assertThat(report.get("unscored").get("traffic.congestion").asInt()).isEqualTo(229);
            JsonNode leak = report.get("types").get(1);
            assertThat(leak.get("alarmType").asText()).isEqualTo("water.leak");
            assertThat(leak.get("detected").asInt()).isEqualTo(1);
            assertThat(leak.get("medianTimeToDetect").asText()).isEqualTo("PT3H");
            assertThat(queries).hasSize(3).allSatisfy(q -> assertThat(q).contains("state=active,acknowledged,cleared"));
        } finally {
            server.stop(0);
        }
    }
}
