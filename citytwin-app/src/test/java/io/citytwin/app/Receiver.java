package io.citytwin.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real HTTP notification receiver on loopback; records every POST; answers 503 while {@link #down} is set. */
final class Receiver implements AutoCloseable {
    record Received(String path, Map<String, List<String>> headers, Map<String, Object> body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> data() {
            return (List<Map<String, Object>>) body.get("data");
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    volatile boolean down;
    private HttpServer server;

    Receiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                byte[] bytes = in.readAllBytes();
                if (down) {
                    ex.sendResponseHeaders(503, -1);
                    return;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> body = Api.JSON.readValue(new String(bytes, StandardCharsets.UTF_8), Map.class);
                received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders(), body));
                ex.sendResponseHeaders(204, -1);
            } finally {
                ex.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    Receiver() throws IOException {
        this(0);
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    List<Received> at(String path) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals(path)) {
                out.add(r);
            }
        }
        return out;
    }

    /** Polls until {@code path} received at least {@code n} notifications (60 s deadline). */
    List<Received> await(String path, int n) {
        return await(path, l -> l.size() >= n);
    }

    List<Received> await(String path, Predicate<List<Received>> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<Received> l = at(path);
            if (done.test(l)) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting at " + path + "; got " + l);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
