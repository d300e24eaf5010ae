package io.citytwin.ngsild;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A processed JSON-LD {@code @context} (user contexts plus the always-included NGSI-LD core context): the term
 * maps that expand short names to IRIs and compact IRIs back to short names.
 *
 * <p>Instances come from {@link ContextResolver#resolve(Object)}, which returns the same instance for the same
 * context value, so the per-context caches of {@link #expandTerm} and {@link #compactIri} are shared by all requests
 * using that context. Immutable apart from those caches; thread-safe.
 *
 * <p>Expansion follows JSON-LD 1.1 IRI expansion with {@code vocab = true} (W3C JSON-LD 1.1 API clause 5.2);
 * compaction follows IRI compaction (clause 6.3): an exact term, else the {@code @vocab}-relative suffix, else a
 * compact IRI {@code prefix:suffix}, else the IRI itself. The vocabulary is preferred over compact IRIs (as JSON-LD
 * does) so that {@code https://uri.etsi.org/ngsi-ld/default-context/foo} compacts to {@code foo}, not to {@code
 * ngsi-ld:default-context/foo}.
 */
public final class LdContext {
    /** Upper bound of each per-context cache; past it results are computed but not stored. */
    static final int MAX_CACHE_ENTRIES = 10_000;

    private final Map<String, TermDefinition> terms;
    private final String vocab;
    private final Map<String, String> iriToTerm;
    private final List<String[]> prefixes;
    private final Set<String> vocabTypedIris;
    private final Object contextValue;
    private final @Nullable String linkUrl;
    private final ConcurrentHashMap<String, String> expandCache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> compactCache = new ConcurrentHashMap<>();

    LdContext(Map<String, TermDefinition> terms, String vocab, Object contextValue, @Nullable String linkUrl) {
        this.terms = Collections.unmodifiableMap(new HashMap<>(terms));
        this.vocab = vocab;
        this.contextValue = contextValue;
        this.linkUrl = linkUrl;
        HashMap<String, String> reverse = new HashMap<>();
        ArrayList<String[]> prefixList = new ArrayList<>();
        HashSet<String> vocabTyped = new HashSet<>();
        for (Map.Entry<String, TermDefinition> e : terms.entrySet()) {
            TermDefinition d = e.getValue();
            if (d.isKeywordAlias()) {
                continue;
            }
            String term = e.getKey();
            // JSON-LD term selection: the shortest term, then the lexicographically least.
            reverse.merge(d.iri(), term, (a, b) -> shorterOrLeast(a, b));
            if (d.prefix()) {
                prefixList.add(new String[] {term, d.iri()});
            }
            if (d.vocabTyped()) {
                vocabTyped.add(d.iri());
            }
        }
        this.iriToTerm = Map.copyOf(reverse);
        this.prefixes = List.copyOf(prefixList);
        this.vocabTypedIris = Set.copyOf(vocabTyped);
    }

    /**
     * Expands an attribute name or entity type: a term to its IRI; a compact IRI with a known prefix to the full IRI;
     * an absolute IRI ({@code scheme:...}) as is; anything else relative to the effective {@code @vocab} (by default
     * {@code https://uri.etsi.org/ngsi-ld/default-context/}). Cached.
     */
    public String expandTerm(String term) {
        String cached = expandCache.get(term);
        if (cached != null) {
            return cached;
        }
        String iri = computeExpand(term);
        if (expandCache.size() < MAX_CACHE_ENTRIES) {
            expandCache.put(term, iri);
        }
        return iri;
    }

    private String computeExpand(String term) {
        TermDefinition d = terms.get(term);
        if (d != null && !d.isKeywordAlias()) {
            return d.iri();
        }
        int colon = term.indexOf(':');
        if (colon > 0) {
            String prefix = term.substring(0, colon);
            String suffix = term.substring(colon + 1);
            if (prefix.equals("_") || suffix.startsWith("//")) {
                return term;
            }
            TermDefinition p = terms.get(prefix);
            if (p != null && p.prefix()) {
                return p.iri() + suffix;
            }
            return term;
        }
        return vocab + term;
    }

    /**
     * Compacts an expanded IRI for output: the best term mapped to it, else the suffix after the effective {@code
     * @vocab}, else a compact IRI with a prefix term, else the IRI itself. {@code compactIri(expandTerm(t))} gives
     * {@code t} back for every term that is the preferred term of its IRI. Cached.
     */
    public String compactIri(String iri) {
        String cached = compactCache.get(iri);
        if (cached != null) {
            return cached;
        }
        String term = computeCompact(iri);
        if (compactCache.size() < MAX_CACHE_ENTRIES) {
            compactCache.put(iri, term);
        }
        return term;
    }

    private String computeCompact(String iri) {
        String term = iriToTerm.get(iri);
        if (term != null) {
            return term;
        }
        if (iri.length() > vocab.length() && iri.startsWith(vocab)) {
            String suffix = iri.substring(vocab.length());
            if (suffix.indexOf(':') < 0 && !terms.containsKey(suffix)) {
                return suffix;
            }
        }
        String best = null;
        for (String[] p : prefixes) {
            String prefixIri = p[1];
            if (iri.length() > prefixIri.length() && iri.startsWith(prefixIri)) {
                String suffix = iri.substring(prefixIri.length());
                if (suffix.startsWith("//")) {
                    continue;
                }
                String candidate = p[0] + ":" + suffix;
                TermDefinition clash = terms.get(candidate);
                if (clash != null && !clash.iri().equals(iri)) {
                    continue;
                }
                if (best == null || shorterOrLeast(best, candidate).equals(candidate)) {
                    best = candidate;
                }
            }
        }
        return best != null ? best : iri;
    }

    /** Whether the term defined for this expanded attribute name has {@code "@type": "@vocab"}. */
    public boolean isVocabTerm(String expandedAttr) {
        return vocabTypedIris.contains(expandedAttr);
    }

    /** Expands a vocabulary value (VocabProperty {@code vocab}, values of {@code @vocab}-typed terms). */
    public String expandVocabValue(String value) {
        return expandTerm(value);
    }

    /** Compacts a vocabulary value; the reverse of {@link #expandVocabValue}. */
    public String compactVocabValue(String iri) {
        return compactIri(iri);
    }

    /**
     * What to put as {@code @context} in a response: the context value as the client gave it (URL, object or
     * array), or {@link ContextResolver#CORE_CONTEXT_URL} for the core-only context. Frozen JSON, never null.
     */
    public Object contextValue() {
        return contextValue;
    }

    /**
     * The single URL to echo in a {@code Link} header: present when the context came from one URL (including the
     * core-only context, which gives {@link ContextResolver#CORE_CONTEXT_URL}); empty for inline or multi-part
     * contexts.
     */
    public Optional<String> linkUrl() {
        return Optional.ofNullable(linkUrl);
    }

    /** The effective {@code @vocab}. */
    public String vocab() {
        return vocab;
    }

    private static String shorterOrLeast(String a, String b) {
        if (a.length() != b.length()) {
            return a.length() < b.length() ? a : b;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "LdContext[" + contextValue + "]";
    }
}
