package io.citytwin.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small real HTTP client for the API tests (java.net.http), with JSON helpers. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Api withHeader(String name, String value) {
        Api a = new Api(this);
        a.defaultHeaders.put(name, value);
        return a;
    }

    private Api(Api other) {
        this.base = other.base;
        this.defaultHeaders.putAll(other.defaultHeaders);
    }

    record Res(int status, Map<String, List<String>> headers, String body) {
        Object json() {
            try {
                return JSON.readValue(body, Object.class);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> obj() {
            return (Map<String, Object>) json();
        }

        @SuppressWarnings("unchecked")
        List<Object> list() {
            return (List<Object>) json();
        }

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        /** The NGSI-LD error type title of a problem-details body. */
        String errorTitle() {
            return (String) obj().get("title");
        }
    }

    Res get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    Res delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    Res post(String path, Object body, String... headers) {
        return send("POST", path, body, headers);
    }

    Res patch(String path, Object body, String... headers) {
        return send("PATCH", path, body, headers);
    }

    Res put(String path, Object body, String... headers) {
        return send("PUT", path, body, headers);
    }

    /** Sends a request; a String body is sent verbatim, anything else as JSON. Headers as name, value pairs. */
    Res send(String method, String path, Object body, String... headers) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
            List<String> hs = new ArrayList<>();
            defaultHeaders.forEach((k, v) -> {
                hs.add(k);
                hs.add(v);
            });
            hs.addAll(List.of(headers));
            boolean hasType = false;
            for (int i = 0; i < hs.size(); i += 2) {
                b.header(hs.get(i), hs.get(i + 1));
                hasType |= hs.get(i).equalsIgnoreCase("Content-Type");
            }
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                byte[] bytes = body instanceof String s
                        ? s.getBytes()
                        : body instanceof byte[] bb ? bb : JSON.writeValueAsBytes(body);
                if (!hasType) {
                    b.header("Content-Type", "application/json");
                }
                if (bytes.length > 1 << 20) {
                    b.expectContinue(true); // as curl does for large bodies: a refusal comes before the upload
                }
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
