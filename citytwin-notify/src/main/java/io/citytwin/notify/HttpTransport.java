package io.citytwin.notify;

import io.citytwin.subscription.Notification;
import io.citytwin.subscription.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Delivers notifications by HTTP(S) POST (NGSI-LD HTTP binding, clause 7.2): the stored body and headers; any 2xx is
 * success, everything else (other status, timeout, refused connection) a failed attempt. Plain {@code http} goes
 * through a small blocking HTTP/1.1 client with pooled keep-alive sockets (see {@code Http1Client}, several times
 * cheaper per request); {@code https} through one shared {@link HttpClient}. Thread-safe.
 */
public final class HttpTransport implements Transport {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient client;
    private final Http1Client plain;
    private final Duration timeout;

    /**
     * @param connectTimeout to open a connection
     * @param requestTimeout to wait for the answer
     */
    public HttpTransport(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.plain = new Http1Client(connectTimeout, requestTimeout);
        this.timeout = requestTimeout;
    }

    /** 5 s to connect, 10 s for the answer. */
    public HttpTransport() {
        this(Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    @Override
    public boolean supports(String scheme) {
        return scheme.equals("http") || scheme.equals("https");
    }

    @Override
    public void send(Notification n) throws DeliveryException {
        if (n.endpoint().regionMatches(true, 0, "http:", 0, 5)) {
            int status;
            try {
                status = plain.post(URI.create(n.endpoint()), n.headers(), n.body());
            } catch (IOException | RuntimeException e) {
                throw new DeliveryException("POST " + n.endpoint() + " failed: " + e, e);
            }
            if (status / 100 != 2) {
                throw new DeliveryException("POST " + n.endpoint() + " answered " + status);
            }
            return;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.endpoint()))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(n.body()));
        for (Map.Entry<String, String> h : n.headers().entrySet()) {
            if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                b.header(h.getKey(), h.getValue());
            }
        }
        HttpResponse<Void> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new DeliveryException("POST " + n.endpoint() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted", e);
        }
        if (r.statusCode() / 100 != 2) {
            throw new DeliveryException("POST " + n.endpoint() + " answered " + r.statusCode());
        }
    }

    @Override
    public void close() {
        plain.close();
        client.close();
    }
}
