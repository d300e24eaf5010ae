package io.citytwin.ngsild;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/*
 * JSON-LD 1.1 context processing, reduced to what NGSI-LD needs (W3C JSON-LD 1.1 API, clause 4.1 "Context
 * Processing Algorithm" and 4.2 "Create Term Definition"; ETSI GS CIM 009 v1.8 clause 5.5.7 on the core context).
 *
 * Supported: simple and expanded term definitions, forward references between terms of one context object
 * (created on demand with cycle detection), compact IRIs with prefix terms (a simple definition whose IRI ends in a
 * gen-delim, or "@prefix": true), "@vocab" (relative to the previous vocabulary), "@type": "@vocab", null term
 * definitions, a null context (reset to the core), nested remote contexts (depth limit 8, cycle-safe) and
 * "@protected". Ignored because they do not change how NGSI-LD names expand: "@base", "@language", "@container",
 * "@version", "@propagate", "@import" and scoped contexts.
 *
 * Deviations, chosen so a broker never fails on contexts found in the field: the core context is processed FIRST and
 * its terms are protected, so a user redefinition of a core term is silently ignored instead of raising "protected
 * term redefinition" (the observable effect equals "core context last wins", clause 5.5.7), while a user "@vocab"
 * does override the core one. A null term definition removes the term, so the name falls back to "@vocab" instead of
 * being dropped (NGSI-LD has no way to drop an attribute name).
 */
final class ContextProcessor {
    static final int MAX_DEPTH = 8;

    final LinkedHashMap<String, TermDefinition> terms;
    String vocab;

    private final Map<String, TermDefinition> baseTerms;
    private final String baseVocab;
    private final Function<String, Object> loader;

    /**
     * @param baseTerms the state a null context resets to (the processed core context)
     * @param baseVocab the vocabulary of that state
     * @param loader URL to the {@code @context} value of the document there; throws TwinException
     */
    ContextProcessor(Map<String, TermDefinition> baseTerms, String baseVocab, Function<String, Object> loader) {
        this.baseTerms = baseTerms;
        this.baseVocab = baseVocab;
        this.terms = new LinkedHashMap<>(baseTerms);
        this.vocab = baseVocab;
        this.loader = loader;
    }

    /**
     * Applies a context value (URL, context object, list of them, or null) on top of the current state.
     *
     * @param sourceUrl the URL of the document {@code value} came from, or null for an inline (request) context
     */
    void process(@Nullable Object value, @Nullable String sourceUrl) {
        process(value, sourceUrl, new ArrayDeque<>());
    }

    private void process(@Nullable Object value, @Nullable String sourceUrl, Deque<String> chain) {
        if (value == null) {
            terms.clear();
            terms.putAll(baseTerms);
            vocab = baseVocab;
        } else if (value instanceof String url) {
            processUrl(url, sourceUrl, chain);
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                process(item, sourceUrl, chain);
            }
        } else if (value instanceof Map<?, ?> map) {
            processObject(map, sourceUrl);
        } else {
            throw invalid(sourceUrl, "a @context must be a URL, an object or an array of them, not " + value);
        }
    }

    private void processUrl(String url, @Nullable String sourceUrl, Deque<String> chain) {
        String absolute = url;
        if (sourceUrl != null && !url.contains("://")) {
            try {
                absolute = URI.create(sourceUrl).resolve(url).toString();
            } catch (IllegalArgumentException e) {
                throw invalid(sourceUrl, "invalid @context reference '" + url + "'");
            }
        }
        if (ContextResolver.isCoreContextUrl(absolute) || chain.contains(absolute)) {
            // The core is always applied; a cycle re-applies nothing new.
            return;
        }
        if (chain.size() >= MAX_DEPTH) {
            throw new TwinException(
                    ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                    "context.too-deep",
                    "Cannot load @context " + absolute + ": remote contexts nested deeper than " + MAX_DEPTH);
        }
        Object doc = loader.apply(absolute);
        chain.push(absolute);
        try {
            process(doc, absolute, chain);
        } finally {
            chain.pop();
        }
    }

    private void processObject(Map<?, ?> local, @Nullable String sourceUrl) {
        Object protectedFlag = local.get("@protected");
        boolean prot = Boolean.TRUE.equals(protectedFlag);
        HashMap<String, Boolean> defined = new HashMap<>();
        if (local.containsKey("@vocab")) {
            Object v = local.get("@vocab");
            if (v == null) {
                vocab = baseVocab;
            } else if (v instanceof String s) {
                vocab = expandIri(s, local, defined, prot, sourceUrl);
            } else {
                throw invalid(sourceUrl, "@vocab must be a string");
            }
        }
        for (Object key : local.keySet()) {
            if (!(key instanceof String term) || term.isEmpty()) {
                throw invalid(sourceUrl, "empty term");
            }
            if (term.charAt(0) != '@') {
                createTerm(local, term, defined, prot, sourceUrl);
            }
        }
    }

    private void createTerm(
            Map<?, ?> local, String term, Map<String, Boolean> defined, boolean prot, @Nullable String sourceUrl) {
        Boolean state = defined.get(term);
        if (Boolean.TRUE.equals(state)) {
            return;
        }
        if (Boolean.FALSE.equals(state)) {
            throw invalid(sourceUrl, "cyclic IRI mapping for term '" + term + "'");
        }
        defined.put(term, Boolean.FALSE);
        Object value = local.get(term);
        TermDefinition def;
        if (value == null) {
            def = null;
        } else if (value instanceof String s) {
            String iri = expandIri(s, local, defined, prot, sourceUrl);
            boolean prefix = term.indexOf(':') < 0 && endsWithGenDelim(iri);
            def = new TermDefinition(iri, prefix, false, prot);
        } else if (value instanceof Map<?, ?> m) {
            def = expandedDefinition(local, term, m, defined, prot, sourceUrl);
        } else {
            throw invalid(sourceUrl, "the definition of term '" + term + "' must be a string, an object or null");
        }
        TermDefinition existing = terms.get(term);
        if (existing != null && existing.isProtected() && !sameMapping(existing, def)) {
            // Protected (core) terms win: ignore the redefinition (see the class comment).
            defined.put(term, Boolean.TRUE);
            return;
        }
        if (def == null) {
            terms.remove(term);
        } else {
            terms.put(term, def);
        }
        defined.put(term, Boolean.TRUE);
    }

    private @Nullable TermDefinition expandedDefinition(
            Map<?, ?> local,
            String term,
            Map<?, ?> m,
            Map<String, Boolean> defined,
            boolean prot,
            @Nullable String sourceUrl) {
        String iri;
        Object id = m.containsKey("@reverse") ? m.get("@reverse") : m.get("@id");
        if (m.containsKey("@id") && id == null) {
            return null;
        }
        if (id instanceof String s) {
            iri = expandIri(s, local, defined, prot, sourceUrl);
        } else if (id != null) {
            throw invalid(sourceUrl, "@id of term '" + term + "' must be a string");
        } else if (term.indexOf(':') > 0) {
            iri = expandIri(term, local, defined, prot, sourceUrl);
        } else {
            iri = vocab + term;
        }
        Object type = m.get("@type");
        if (type != null && !(type instanceof String)) {
            throw invalid(sourceUrl, "@type of term '" + term + "' must be a string");
        }
        Object prefixFlag = m.get("@prefix");
        if (prefixFlag != null && !(prefixFlag instanceof Boolean)) {
            throw invalid(sourceUrl, "@prefix of term '" + term + "' must be a boolean");
        }
        Object termProtected = m.get("@protected");
        boolean isProtected = termProtected instanceof Boolean b ? b : prot;
        return new TermDefinition(iri, Boolean.TRUE.equals(prefixFlag), "@vocab".equals(type), isProtected);
    }

    /**
     * IRI expansion with vocab = true (JSON-LD 1.1 API clause 5.2), creating local terms on demand. A term still being
     * defined (a self reference) is not re-entered but expands through the vocabulary, to be lenient.
     */
    private String expandIri(
            String value, Map<?, ?> local, Map<String, Boolean> defined, boolean prot, @Nullable String sourceUrl) {
        if (value.startsWith("@")) {
            return value;
        }
        if (local.containsKey(value) && defined.get(value) == null) {
            createTerm(local, value, defined, prot, sourceUrl);
        }
        TermDefinition d = terms.get(value);
        if (d != null) {
            return d.iri();
        }
        int colon = value.indexOf(':');
        if (colon > 0) {
            String prefix = value.substring(0, colon);
            String suffix = value.substring(colon + 1);
            if (prefix.equals("_") || suffix.startsWith("//")) {
                return value;
            }
            if (local.containsKey(prefix) && defined.get(prefix) == null) {
                createTerm(local, prefix, defined, prot, sourceUrl);
            }
            TermDefinition p = terms.get(prefix);
            if (p != null && p.prefix()) {
                return p.iri() + suffix;
            }
            return value;
        }
        return vocab + value;
    }

    private static boolean sameMapping(TermDefinition a, @Nullable TermDefinition b) {
        return b != null && a.iri().equals(b.iri()) && a.vocabTyped() == b.vocabTyped();
    }

    static boolean endsWithGenDelim(String iri) {
        if (iri.isEmpty()) {
            return false;
        }
        char c = iri.charAt(iri.length() - 1);
        return c == '/' || c == '#' || c == ':' || c == '?' || c == '[' || c == ']' || c == '@';
    }

    private static TwinException invalid(@Nullable String sourceUrl, String reason) {
        if (sourceUrl == null) {
            return TwinException.badData("context.invalid", "Invalid @context: " + reason);
        }
        return new TwinException(
                ErrorType.LD_CONTEXT_NOT_AVAILABLE,
                "context.invalid",
                "Cannot load @context " + sourceUrl + ": invalid context: " + reason);
    }
}
