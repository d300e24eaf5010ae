package io.citytwin.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Server-Sent Events client for the tests: reads the stream on its own thread and parses events per the
 * WHATWG event-stream format (event/data lines, blank line ends an event, comments ignored).
 */
final class SseClient implements AutoCloseable {
    record Event(String name, String data) {}

    final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final List<Event> seen = new ArrayList<>();
    private final InputStream body;
    private final Thread reader;

    SseClient(HttpClient http, String url) {
        try {
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("SSE " + url + " answered " + r.statusCode() + ": "
                        + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            this.body = r.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        reader = Thread.ofVirtual().start(this::read);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(name, data.toString()));
                    }
                    name = "message";
                    data = null;
                } else if (line.startsWith(":")) {
                    continue;
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    String d = line.substring(5);
                    d = d.startsWith(" ") ? d.substring(1) : d;
                    data = data == null
                            ? new StringBuilder(d)
                            : data.append('\n').append(d);
                }
            }
        } catch (IOException e) {
            // closed by the test
        }
    }

    /** Waits (up to a deadline, polling) for an event matching {@code p}; every event read is kept in {@link #seen}. */
    Event await(Predicate<Event> p, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            try {
                Event e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null) {
                    seen.add(e);
                    if (p.test(e)) {
                        return e;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
        throw new AssertionError("No matching event within " + deadline + "; seen: " + seen);
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // already closed
        }
        reader.interrupt();
    }
}
