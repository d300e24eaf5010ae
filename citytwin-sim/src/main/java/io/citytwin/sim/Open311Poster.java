package io.citytwin.sim;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts citizen reports to an Open311 GeoReport v2 endpoint ({@code POST {base}/requests.json}, form fields {@code
 * service_code}, {@code lat}, {@code long}, {@code address_string}, {@code description}, {@code device_id}, and
 * {@code attribute[language]}, {@code attribute[kind]}, {@code attribute[requested_datetime]}). Failures are logged
 * and counted, never thrown: a report lost does not stop the city. Thread-safe.
 */
public final class Open311Poster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Open311Poster.class);

    private final URI endpoint;
    private final HttpClient client;
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** @param base the Open311 base URL, or its {@code requests.json} itself */
    public Open311Poster(URI base) {
        String s = base.toString();
        this.endpoint = s.endsWith("requests.json")
                ? base
                : URI.create(s.endsWith("/") ? s + "requests.json" : s + "/requests.json");
        this.client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The form fields of {@code r}. */
    static Map<String, String> form(CitizenReports.Report r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("service_code", r.category());
        f.put("lat", String.format(Locale.ROOT, "%.7f", r.lat()));
        f.put("long", String.format(Locale.ROOT, "%.7f", r.lon()));
        f.put("address_string", r.road() + ", " + r.district());
        f.put("description", r.text());
        f.put("device_id", "citytwin-sim");
        f.put("attribute[language]", r.language());
        f.put("attribute[kind]", r.kind());
        f.put("attribute[requested_datetime]", r.time().toString());
        return f;
    }

    /** Posts one report; true when the endpoint accepted it (2xx). */
    public boolean post(CitizenReports.Report r) {
        StringBuilder body = new StringBuilder();
        form(r).forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        try {
            HttpResponse<String> res = client.send(
                    HttpRequest.newBuilder(endpoint)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() / 100 == 2) {
                posted.incrementAndGet();
                return true;
            }
            LOG.warn("Open311 endpoint {} refused report {}: {}", endpoint, r.id(), res.statusCode());
        } catch (IOException e) {
            LOG.warn("Cannot post report {} to {}: {}", r.id(), endpoint, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failed.incrementAndGet();
        return false;
    }

    public long posted() {
        return posted.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        client.close();
    }
}
