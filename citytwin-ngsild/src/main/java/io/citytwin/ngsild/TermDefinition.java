package io.citytwin.ngsild;

/**
 * One processed JSON-LD term definition.
 *
 * @param iri the expanded IRI, or a keyword such as {@code @id} for a keyword alias
 * @param prefix whether the term may be used as the prefix of a compact IRI
 * @param vocabTyped whether the definition has {@code "@type": "@vocab"} (values expand vocabulary-relative)
 * @param isProtected whether the definition came from a {@code @protected} context and cannot be redefined
 */
record TermDefinition(String iri, boolean prefix, boolean vocabTyped, boolean isProtected) {
    boolean isKeywordAlias() {
        return iri.startsWith("@");
    }
}
