package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Citizen reports posted to an Open311 endpoint over real HTTP on loopback, as GeoReport v2 form fields. */
class Open311PosterIT {
    @Test
    void post_sendsGeoReportFormFields_andCountsRefusals() throws Exception {
        List<Map<String, String>> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/open311/v2/requests.json", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new HashMap<>();
            for (String kv : body.split("&")) {
                int eq = kv.indexOf('=');
                form.put(
                        URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            form.put("content-type", ex.getRequestHeaders().getFirst("Content-Type"));
            received.add(form);
            int status = form.get("service_code").equals("unknown") ? 400 : 201;
            byte[] answer = "[{\"service_request_id\":\"1\"}]".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        try (Open311Poster poster = new Open311Poster(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/open311/v2"))) {
            CitizenReports.Report r = new CitizenReports.Report(
                    "r-0",
                    "f-3",
                    "report",
                    "streetlight",
                    "zh",
                    "Street 3的路灯不亮了",
                    13.3012345,
                    52.4512345,
                    "Street 3",
                    "Altstadt",
                    Instant.parse("2026-11-17T21:05:00Z"));
            assertThat(poster.post(r)).isTrue();
            CitizenReports.Report refused = new CitizenReports.Report(
                    "r-1", null, "post", "unknown", "en", "x", 13.3, 52.4, "Avenue 1", "Mitte", r.time());
            assertThat(poster.post(refused)).isFalse();
            assertThat(poster.posted()).isEqualTo(1);
            assertThat(poster.failed()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
        Map<String, String> form = received.get(0);
        assertThat(form)
                .containsEntry("content-type", "application/x-www-form-urlencoded")
                .containsEntry("service_code", "streetlight")
                .containsEntry("lat", "52.4512345")
                .containsEntry("long", "13.3012345")
                .containsEntry("description", "Street 3的路灯不亮了")
                .containsEntry("address_string", "Street 3, Altstadt")
                .containsEntry("attribute[language]", "zh");
    }
}
