package io.citytwin.ngsild;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves NGSI-LD request contexts ({@code Link} header URL or body {@code @context}) into cached {@link LdContext}s.
 * One instance per process; thread-safe.
 *
 * <p>Every published core context URL ({@code https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.N.jsonld}, N =
 * 3..9, and the unversioned one) resolves offline to the built-in v1.9 core, which is always included. Other URLs
 * are looked up in the configured local mappings, then fetched over HTTP(S) once and cached in memory; failures are
 * cached for {@link #FAILURE_TTL} so that a dead URL does not cost a timeout per request. Contexts referenced from
 * fetched contexts are resolved recursively (depth limit 8, cycle-safe).
 *
 * <p>Errors: a context that cannot be fetched, is too big (over 1 MB), is not JSON or is not a valid context gives
 * {@link ErrorType#LD_CONTEXT_NOT_AVAILABLE} ({@code context.unavailable} / {@code context.invalid}); an invalid
 * inline context gives {@link ErrorType#BAD_REQUEST_DATA} {@code context.invalid}.
 */
public final class ContextResolver {
    /** The URL of the built-in core context (v1.9), echoed for core-only responses. */
    public static final String CORE_CONTEXT_URL = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld";

    /** How long a failed fetch is remembered before it is tried again. */
    public static final Duration FAILURE_TTL = Duration.ofSeconds(10);

    static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    static final int MAX_RESOLVED_CONTEXTS = 10_000;
    static final int MAX_DOCUMENTS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(ContextResolver.class);
    private static final String CORE_PREFIX = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context";
    private static final Set<String> CORE_URLS = Set.of(
            CORE_PREFIX + ".jsonld",
            CORE_PREFIX + "-v1.3.jsonld",
            CORE_PREFIX + "-v1.4.jsonld",
            CORE_PREFIX + "-v1.5.jsonld",
            CORE_PREFIX + "-v1.6.jsonld",
            CORE_PREFIX + "-v1.7.jsonld",
            CORE_PREFIX + "-v1.8.jsonld",
            CORE_PREFIX + "-v1.9.jsonld");
    private static final String CORE_RESOURCE = "contexts/ngsi-ld-core-context-v1.9.jsonld";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Duration fetchTimeout;
    private final Map<String, Path> localMappings;
    private final boolean allowRemote;
    private final InstantSource clock;
    private final @Nullable HttpClient http;
    private final Map<String, TermDefinition> coreTerms;
    private final String coreVocab;
    private final LdContext core;
    private final ConcurrentHashMap<Object, LdContext> resolved = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Loaded>> documents = new ConcurrentHashMap<>();

    /** The outcome of loading one context document: its {@code @context} value or the failure. */
    private record Loaded(@Nullable Object context, @Nullable TwinException failure, Instant loadedAt) {}

    private ContextResolver(Builder b) {
        this.fetchTimeout = b.fetchTimeout;
        this.localMappings = Map.copyOf(b.localMappings);
        this.allowRemote = b.allowRemote;
        this.clock = b.clock;
        this.http = b.allowRemote
                ? HttpClient.newBuilder()
                        .connectTimeout(b.fetchTimeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build()
                : null;
        ContextProcessor p = new ContextProcessor(Map.of(), "", url -> {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "context.core-invalid", "The core context references " + url);
        });
        p.process(loadCoreDocument(), CORE_CONTEXT_URL);
        this.coreTerms = Map.copyOf(p.terms);
        this.coreVocab = p.vocab;
        this.core = new LdContext(coreTerms, coreVocab, CORE_CONTEXT_URL, CORE_CONTEXT_URL);
    }

    /** A builder with the defaults: 5 s fetch timeout, no local mappings, remote fetching allowed. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code url} is one of the published NGSI-LD core context URLs, all served by the built-in core. */
    public static boolean isCoreContextUrl(String url) {
        return url.startsWith(CORE_PREFIX) && CORE_URLS.contains(url);
    }

    /** The core-only context (what a request without a context uses). */
    public LdContext core() {
        return core;
    }

    /**
     * Resolves a request context. The same value (by JSON equality) always gives the same {@link LdContext} instance
     * while it is cached.
     *
     * @param contextValue a URL {@code String}, a context object {@code Map}, a {@code List} of those, or null for
     *     the core context only
     * @throws TwinException LdContextNotAvailable when a referenced context cannot be loaded or is invalid;
     *     BadRequestData when the inline value itself is not a valid context
     */
    public LdContext resolve(@Nullable Object contextValue) {
        if (contextValue == null || (contextValue instanceof String s && isCoreContextUrl(s))) {
            return contextValue == null || CORE_CONTEXT_URL.equals(contextValue) ? core : cachedOrBuild(contextValue);
        }
        return cachedOrBuild(contextValue);
    }

    private LdContext cachedOrBuild(Object contextValue) {
        LdContext hit = resolved.get(contextValue);
        if (hit != null) {
            return hit;
        }
        Object key = contextValue instanceof String ? contextValue : Json.freeze(contextValue);
        hit = resolved.get(key);
        if (hit != null) {
            return hit;
        }
        LdContext built = build(key);
        if (resolved.size() >= MAX_RESOLVED_CONTEXTS) {
            return built;
        }
        LdContext raced = resolved.putIfAbsent(key, built);
        return raced != null ? raced : built;
    }

    private LdContext build(Object frozen) {
        if (!(frozen instanceof String || frozen instanceof Map<?, ?> || frozen instanceof List<?>)) {
            throw TwinException.badData(
                    "context.invalid", "Invalid @context: must be a URL, an object or an array of them");
        }
        ContextProcessor p = new ContextProcessor(coreTerms, coreVocab, this::loadDocument);
        p.process(toJavaNulls(frozen), null);
        String link = null;
        if (frozen instanceof String s) {
            link = s;
        } else if (frozen instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String s) {
            link = s;
        }
        Object echo = EntityCodec.toOutput(frozen);
        return new LdContext(p.terms, p.vocab, echo == null ? frozen : echo, link);
    }

    /** Frozen JSON holds {@link Json#NULL}; the processor expects Java nulls (null term definitions). */
    private static @Nullable Object toJavaNulls(Object v) {
        if (v instanceof Json.Null) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            LinkedHashMap<Object, @Nullable Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                copy.put(e.getKey(), toJavaNulls(e.getValue()));
            }
            return copy;
        }
        if (v instanceof List<?> l) {
            java.util.ArrayList<@Nullable Object> copy = new java.util.ArrayList<>(l.size());
            for (Object o : l) {
                copy.add(toJavaNulls(o));
            }
            return copy;
        }
        return v;
    }

    /**
     * The {@code @context} value of the document at {@code url}: from the cache, a local mapping or the network. A
     * document is loaded once even under concurrent requests; failures are retried after {@link #FAILURE_TTL}.
     */
    Object loadDocument(String url) {
        while (true) {
            CompletableFuture<Loaded> f = documents.get(url);
            if (f == null) {
                CompletableFuture<Loaded> mine = new CompletableFuture<>();
                f = documents.putIfAbsent(url, mine);
                if (f == null) {
                    f = mine;
                    mine.complete(loadUncached(url));
                }
            }
            Loaded loaded = f.join();
            TwinException failure = loaded.failure();
            if (failure == null) {
                return Objects.requireNonNull(loaded.context());
            }
            if (clock.instant().isAfter(loaded.loadedAt().plus(FAILURE_TTL))) {
                documents.remove(url, f);
                continue;
            }
            if (documents.size() > MAX_DOCUMENTS) {
                documents.remove(url, f);
            }
            throw new TwinException(failure.type(), failure.code(), failure.detail(), failure);
        }
    }

    private Loaded loadUncached(String url) {
        try {
            byte[] bytes = fetchBytes(url);
            return new Loaded(contextOf(url, bytes), null, clock.instant());
        } catch (TwinException e) {
            LOG.debug("@context {} not loaded: {}", url, e.detail());
            return new Loaded(null, e, clock.instant());
        } catch (RuntimeException e) {
            // Anything unexpected (e.g. from the HTTP client) must still complete the shared future.
            LOG.warn("@context {} not loaded", url, e);
            return new Loaded(
                    null, unavailable(url, "failed (" + e.getClass().getSimpleName() + ")", e), clock.instant());
        }
    }

    private byte[] fetchBytes(String url) {
        Path local = localMappings.get(url);
        if (local != null) {
            try {
                if (Files.size(local) > MAX_DOCUMENT_BYTES) {
                    throw unavailable(url, "larger than 1 MB");
                }
                return Files.readAllBytes(local);
            } catch (IOException e) {
                throw unavailable(url, "cannot read local file " + local.getFileName(), e);
            }
        }
        if (http == null) {
            throw unavailable(url, "remote contexts are disabled");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw unavailable(url, "not a valid URL", e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw unavailable(url, "only http and https URLs can be fetched");
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri)
                    .timeout(fetchTimeout)
                    .header("Accept", "application/ld+json, application/json;q=0.9")
                    .GET()
                    .build();
        } catch (IllegalArgumentException e) {
            throw unavailable(url, "not a valid URL", e);
        }
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw unavailable(url, "HTTP status " + response.statusCode());
                }
                long declared =
                        response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > MAX_DOCUMENT_BYTES) {
                    throw unavailable(url, "larger than 1 MB");
                }
                byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
                if (bytes.length > MAX_DOCUMENT_BYTES) {
                    throw unavailable(url, "larger than 1 MB");
                }
                return bytes;
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw unavailable(url, "timed out after " + fetchTimeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw unavailable(url, "unreachable (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(url, "interrupted", e);
        }
    }

    private static Object contextOf(String url, byte[] bytes) {
        Object doc;
        try {
            doc = MAPPER.readValue(bytes, Object.class);
        } catch (JacksonException e) {
            throw new TwinException(
                    ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                    "context.invalid",
                    "Cannot load @context " + url + ": not valid JSON",
                    e);
        } catch (IOException e) {
            throw unavailable(url, "unreadable", e);
        }
        if (!(doc instanceof Map<?, ?> m) || !m.containsKey("@context")) {
            throw new TwinException(
                    ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                    "context.invalid",
                    "Cannot load @context " + url + ": not a JSON-LD context document (no @context member)");
        }
        Object ctx = m.get("@context");
        if (!(ctx instanceof String || ctx instanceof Map<?, ?> || ctx instanceof List<?>)) {
            throw new TwinException(
                    ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                    "context.invalid",
                    "Cannot load @context " + url + ": @context must be a URL, an object or an array");
        }
        return ctx;
    }

    private static Object loadCoreDocument() {
        try (InputStream in = ContextResolver.class.getResourceAsStream(CORE_RESOURCE)) {
            if (in == null) {
                throw new TwinException(
                        ErrorType.INTERNAL_ERROR, "context.core-missing", "Built-in core context is missing");
            }
            return contextOf(CORE_CONTEXT_URL, in.readAllBytes());
        } catch (IOException e) {
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "context.core-missing", "Built-in core context is unreadable", e);
        }
    }

    private static TwinException unavailable(String url, String reason) {
        return new TwinException(
                ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                "context.unavailable",
                "Cannot load @context " + url + ": " + reason);
    }

    private static TwinException unavailable(String url, String reason, Throwable cause) {
        return new TwinException(
                ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                "context.unavailable",
                "Cannot load @context " + url + ": " + reason,
                cause);
    }

    /** Builder of a {@link ContextResolver}; not thread-safe. */
    public static final class Builder {
        private Duration fetchTimeout = Duration.ofSeconds(5);
        private Map<String, Path> localMappings = Map.of();
        private boolean allowRemote = true;
        private InstantSource clock = InstantSource.system();

        private Builder() {}

        /** Connect and request timeout of one context fetch; default 5 s. */
        public Builder fetchTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("fetchTimeout must be positive");
            }
            this.fetchTimeout = timeout;
            return this;
        }

        /** URL to local file mappings, checked before the network (for closed networks). */
        public Builder localMappings(Map<String, Path> mappings) {
            this.localMappings = Map.copyOf(mappings);
            return this;
        }

        /** Whether URLs without a local mapping may be fetched over the network; default true. */
        public Builder allowRemote(boolean allow) {
            this.allowRemote = allow;
            return this;
        }

        /** The time source for the failure cache; default the system clock. */
        public Builder clock(InstantSource source) {
            this.clock = Objects.requireNonNull(source);
            return this;
        }

        /** A new resolver with these settings. */
        public ContextResolver build() {
            return new ContextResolver(this);
        }
    }
}
