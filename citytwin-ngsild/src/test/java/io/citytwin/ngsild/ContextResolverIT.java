package io.citytwin.ngsild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContextResolverIT {
    private HttpServer server;
    private String base;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, String> docs = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            if (path.equals("/moved.jsonld")) {
                exchange.getResponseHeaders().add("Location", "/ctx.jsonld");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            String body = docs.get(path);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/ld+json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : bytes.length);
            if (body != null) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ContextResolver resolver() {
        return ContextResolver.builder().fetchTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void userContext_isFetchedOnceAndCached() {
        docs.put("/ctx.jsonld", "{\"@context\": {\"speed\": \"https://example.org/speed\"}}");
        ContextResolver r = resolver();
        LdContext first = r.resolve(base + "/ctx.jsonld");
        LdContext second = r.resolve(base + "/ctx.jsonld");
        LdContext inList = r.resolve(List.of(base + "/ctx.jsonld", Map.of("x", "https://example.org/x")));
        assertThat(first.expandTerm("speed")).isEqualTo("https://example.org/speed");
        assertThat(second).isSameAs(first);
        assertThat(inList.expandTerm("speed")).isEqualTo("https://example.org/speed");
        assertThat(hits.get("/ctx.jsonld").get()).isEqualTo(1);
    }

    @Test
    void nestedRemoteContexts_areResolvedRecursively_andCyclesAreSafe() {
        docs.put("/a.jsonld", "{\"@context\": [\"b.jsonld\", {\"a\": \"https://example.org/a\"}]}");
        docs.put("/b.jsonld", "{\"@context\": [\"" + "/a.jsonld" + "\", {\"b\": \"https://example.org/b\"}]}");
        LdContext ctx = resolver().resolve(base + "/a.jsonld");
        assertThat(ctx.expandTerm("a")).isEqualTo("https://example.org/a");
        assertThat(ctx.expandTerm("b")).isEqualTo("https://example.org/b");
    }

    @Test
    void fakeCoreUrl_isFetched() {
        String fake = base + "/ngsi-ld-core-context-foo.jsonld";
        docs.put("/ngsi-ld-core-context-foo.jsonld", "{\"@context\": {}}");
        resolver().resolve(fake);
        assertThat(hits.get("/ngsi-ld-core-context-foo.jsonld").get()).isEqualTo(1);
    }

    @Test
    void missingDocument_isLdContextNotAvailable_andFailureIsCachedBriefly() {
        ContextResolver r = resolver();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> r.resolve(base + "/missing.jsonld"))
                    .isInstanceOfSatisfying(TwinException.class, e -> {
                        assertThat(e.type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE);
                        assertThat(e.code()).isEqualTo("context.unavailable");
                        assertThat(e.detail()).contains("404");
                    });
        }
        assertThat(hits.get("/missing.jsonld").get()).isEqualTo(1);
    }

    @Test
    void invalidJson_isLdContextNotAvailable() {
        docs.put("/bad.jsonld", "{not json");
        assertThatThrownBy(() -> resolver().resolve(base + "/bad.jsonld"))
                .isInstanceOfSatisfying(TwinException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE);
                    assertThat(e.code()).isEqualTo("context.invalid");
                });
    }

    @Test
    void unreachableHost_isLdContextNotAvailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/ctx.jsonld";
        assertThatThrownBy(() -> resolver().resolve(url)).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE);
            assertThat(e.detail()).startsWith("Cannot load @context " + url);
        });
    }

    @Test
    void remoteCannotOverrideProtectedCoreTerms() {
        docs.put("/evil.jsonld", "{\"@context\": {\"location\": \"https://evil.org/loc\"}}");
        LdContext ctx = resolver().resolve(base + "/evil.jsonld");
        assertThat(ctx.expandTerm("location")).isEqualTo(Ngsi.LOCATION);
    }

    @Test
    void failedFetch_isRetriedAfterFailureTtl() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2024-01-01T00:00:00Z"));
        InstantSource clock = now::get;
        ContextResolver r = ContextResolver.builder().clock(clock).build();
        String url = base + "/later.jsonld";
        assertThatThrownBy(() -> r.resolve(url)).isInstanceOf(TwinException.class);
        docs.put("/later.jsonld", "{\"@context\": {\"late\": \"https://example.org/late\"}}");
        assertThatThrownBy(() -> r.resolve(url)).isInstanceOf(TwinException.class);
        assertThat(hits.get("/later.jsonld").get()).isEqualTo(1);
        now.set(now.get().plus(ContextResolver.FAILURE_TTL).plusSeconds(1));
        assertThat(r.resolve(url).expandTerm("late")).isEqualTo("https://example.org/late");
        assertThat(hits.get("/later.jsonld").get()).isEqualTo(2);
    }

    @Test
    void nestingDeeperThanLimit_isLdContextNotAvailable() {
        for (int i = 0; i < 12; i++) {
            docs.put("/n" + i + ".jsonld", "{\"@context\": \"n" + (i + 1) + ".jsonld\"}");
        }
        docs.put("/n12.jsonld", "{\"@context\": {}}");
        assertThatThrownBy(() -> resolver().resolve(base + "/n0.jsonld"))
                .isInstanceOfSatisfying(TwinException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.LD_CONTEXT_NOT_AVAILABLE);
                    assertThat(e.code()).isEqualTo("context.too-deep");
                });
    }

    @Test
    void redirects_areFollowed() {
        docs.put("/ctx.jsonld", "{\"@context\": {\"speed\": \"https://example.org/speed\"}}");
        assertThat(resolver().resolve(base + "/moved.jsonld").expandTerm("speed"))
                .isEqualTo("https://example.org/speed");
    }

    @Test
    void documentOverOneMegabyte_isLdContextNotAvailable() {
        StringBuilder big = new StringBuilder("{\"@context\": {\"a\": \"");
        big.append("x".repeat(ContextResolver.MAX_DOCUMENT_BYTES));
        big.append("\"}}");
        docs.put("/big.jsonld", big.toString());
        assertThatThrownBy(() -> resolver().resolve(base + "/big.jsonld"))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.detail()).contains("1 MB"));
    }

    @Test
    void concurrentRequests_fetchOnce_andShareOneLdContext() throws Exception {
        docs.put("/ctx.jsonld", "{\"@context\": {\"speed\": \"https://example.org/speed\"}}");
        ContextResolver r = resolver();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LdContext>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> r.resolve(base + "/ctx.jsonld")));
            }
            LdContext first = results.get(0).get();
            for (Future<LdContext> f : results) {
                assertThat(f.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(hits.get("/ctx.jsonld").get()).isEqualTo(1);
    }
}
